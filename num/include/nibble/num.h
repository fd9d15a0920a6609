/* nibble's golden numeric library: every format and every MAC, bit-exact. */
#ifndef NIBBLE_NUM_H
#define NIBBLE_NUM_H

#include "nibble/arith.h"
#include "nibble/block_format.h"
#include "nibble/block_gemm.h"
#include "nibble/block_quant.h"
#include "nibble/error.h"
#include "nibble/exmy.h"
#include "nibble/format.h"
#include "nibble/metrics.h"
#include "nibble/overq.h"
#include "nibble/quant.h"
#include "nibble/random.h"
#include "nibble/scale_format.h"

#define NIBBLE_VERSION_STRING "0.1.0"

#endif
