/* Liberty text -> lty_node tree: a tokenizer and a recursive-descent parser.
 * Handles comments, quoted strings and backslash-newline continuations;
 * syntax errors name the file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liberty_tree.h"

/* Deeper nesting than any real library; bounds the recursion on bad input. */
#define LTY_MAX_DEPTH 64

typedef enum { TK_EOF, TK_WORD, TK_STRING, TK_PUNCT } tk_kind;

typedef struct {
    tk_kind kind;
    char punct;        /* TK_PUNCT: one of ( ) { } : ; , */
    const char *s;     /* TK_WORD / TK_STRING text (a string without its quotes) */
    size_t len;
    int line;
    bool nl_before;    /* a line break separates it from the previous token */
    const char *after; /* just past the token in the text */
} token;

typedef struct {
    const char *p, *end, *where;
    const char *base;     /* the text's first byte (for node spans) */
    const char *consumed; /* just past the last token taken with lex_next */
    int line;
    nb_err *err;
    bool has_peek;
    token peek;
} lexer;

static bool is_punct(char c)
{
    return c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',';
}

/* A backslash followed by blanks up to the end of the line joins two lines. */
static const char *continuation_end(const char *p, const char *end)
{
    if (p >= end || *p != '\\')
        return NULL;
    const char *q = p + 1;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
        q++;
    if (q < end && *q == '\n')
        return q + 1;
    return q >= end ? q : NULL;
}

/* Skip blanks, comments and continuations; notes whether a line break was crossed. */
static bool skip_space(lexer *lx, bool *nl)
{
    for (;;) {
        if (lx->p >= lx->end)
            return true;
        char c = *lx->p;
        const char *cont;
        if (c == '\n') {
            *nl = true;
            lx->line++;
            lx->p++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->p++;
        } else if ((cont = continuation_end(lx->p, lx->end)) != NULL) {
            if (cont[-1] == '\n')
                lx->line++;
            lx->p = cont;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
            int start = lx->line;
            const char *q = lx->p + 2;
            while (q + 1 < lx->end && !(q[0] == '*' && q[1] == '/')) {
                if (*q == '\n')
                    lx->line++;
                q++;
            }
            if (q + 1 >= lx->end)
                return nb_fail(lx->err, "%s:%d: comment '/*' is never closed with '*/'", lx->where,
                               start);
            lx->p = q + 2;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else {
            return true;
        }
    }
}

static bool lex_scan(lexer *lx, token *t);

/* The next token; remembers where it ends (node spans). */
static bool lex_next(lexer *lx, token *t)
{
    if (lx->has_peek) {
        *t = lx->peek;
        lx->has_peek = false;
        lx->consumed = t->after;
        return true;
    }
    if (!lex_scan(lx, t))
        return false;
    t->after = lx->p;
    lx->consumed = lx->p;
    return true;
}

static bool lex_scan(lexer *lx, token *t)
{
    bool nl = false;
    if (!skip_space(lx, &nl))
        return false;
    memset(t, 0, sizeof *t);
    t->line = lx->line;
    t->nl_before = nl;
    if (lx->p >= lx->end) {
        t->kind = TK_EOF;
        return true;
    }
    char c = *lx->p;
    if (is_punct(c)) {
        t->kind = TK_PUNCT;
        t->punct = c;
        lx->p++;
        return true;
    }
    if (c == '"') {
        const char *q = lx->p + 1;
        while (q < lx->end && *q != '"') {
            if (*q == '\\' && q + 1 < lx->end)
                q++; /* an escaped character (or a continuation) never ends the string */
            if (*q == '\n')
                lx->line++;
            q++;
        }
        if (q >= lx->end)
            return nb_fail(lx->err, "%s:%d: string opened with '\"' is never closed", lx->where,
                           t->line);
        t->kind = TK_STRING;
        t->s = lx->p + 1;
        t->len = (size_t)(q - lx->p - 1);
        lx->p = q + 1;
        return true;
    }
    const char *q = lx->p;
    while (q < lx->end && !is_punct(*q) && *q != '"' && *q != ' ' && *q != '\t' && *q != '\n' &&
           *q != '\r' && !(*q == '/' && q + 1 < lx->end && (q[1] == '*' || q[1] == '/')) &&
           !continuation_end(q, lx->end))
        q++;
    t->kind = TK_WORD;
    t->s = lx->p;
    t->len = (size_t)(q - lx->p);
    lx->p = q;
    return true;
}

static bool lex_peek(lexer *lx, token *t)
{
    if (!lx->has_peek) {
        if (!lex_scan(lx, &lx->peek))
            return false;
        lx->peek.after = lx->p;
        lx->has_peek = true;
    }
    *t = lx->peek;
    return true;
}

/* Copy of a token's text; strings lose their backslash-newline continuations. */
static char *tok_dup(const token *t)
{
    char *s = malloc(t->len + 1);
    if (!s)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++) {
        const char *cont = t->kind == TK_STRING ? continuation_end(t->s + i, t->s + t->len) : NULL;
        if (cont) {
            i = (size_t)(cont - t->s) - 1;
            continue;
        }
        s[n++] = t->s[i];
    }
    s[n] = '\0';
    return s;
}

static void tok_show(const token *t, char *buf, size_t len)
{
    if (t->kind == TK_EOF)
        snprintf(buf, len, "the end of the file");
    else if (t->kind == TK_PUNCT)
        snprintf(buf, len, "'%c'", t->punct);
    else {
        size_t n = 0; /* the first line, at most 40 characters */
        while (n < t->len && n < 40 && t->s[n] != '\n' && t->s[n] != '\\')
            n++;
        snprintf(buf, len, "%s'%.*s%s'", t->kind == TK_STRING ? "string " : "", (int)n, t->s,
                 n < t->len ? "..." : "");
    }
}

static bool syntax(lexer *lx, const token *t, const char *expected)
{
    char got[80];
    tok_show(t, got, sizeof got);
    return nb_fail(lx->err, "%s:%d: syntax error: expected %s, found %s (is this a Liberty .lib file?)",
                   lx->where, t->line, expected, got);
}

static bool oom(lexer *lx)
{
    return nb_fail(lx->err, "out of memory while reading %s", lx->where);
}

static lty_node *add_kid(lty_node *parent, int *cap)
{
    if (parent->n_kids == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        lty_node *k = realloc(parent->kids, (size_t)ncap * sizeof *k);
        if (!k)
            return NULL;
        parent->kids = k;
        *cap = ncap;
    }
    lty_node *n = &parent->kids[parent->n_kids++];
    memset(n, 0, sizeof *n);
    return n;
}

static bool push_arg(lty_node *n, const token *t, int *cap)
{
    if (n->n_args == *cap) {
        int ncap = *cap ? *cap * 2 : 4;
        char **a = realloc(n->args, (size_t)ncap * sizeof *a);
        if (!a)
            return false;
        n->args = a;
        *cap = ncap;
    }
    return (n->args[n->n_args++] = tok_dup(t)) != NULL;
}

/* "name : value ;" -- the value is every word/string up to ';', '}' or a line break. */
static bool parse_simple(lexer *lx, lty_node *n)
{
    token t;
    size_t used = 0;
    for (int count = 0;; count++) {
        if (!lex_peek(lx, &t))
            return false;
        if (t.kind == TK_PUNCT && t.punct == ';') {
            lex_next(lx, &t);
            break;
        }
        if (t.kind != TK_WORD && t.kind != TK_STRING) {
            if (count == 0 || t.kind != TK_PUNCT || t.punct != '}')
                return syntax(lx, &t, count ? "';'" : "a value after ':'");
            break;
        }
        if (count > 0 && t.nl_before)
            break;
        lex_next(lx, &t);
        char *piece = tok_dup(&t);
        char *v = piece ? realloc(n->value, used + strlen(piece) + 2) : NULL;
        if (!v) {
            free(piece);
            return oom(lx);
        }
        n->value = v;
        used += (size_t)snprintf(v + used, strlen(piece) + 2, "%s%s", count ? " " : "", piece);
        free(piece);
    }
    return true;
}

static bool parse_body(lexer *lx, lty_node *group, int depth, bool top);

/* "name ( args )" then ';', '{ body }' or nothing. */
static bool parse_complex(lexer *lx, lty_node *n, int depth)
{
    token t;
    int cap = 0;
    int open = lx->line;
    for (;;) {
        if (!lex_next(lx, &t))
            return false;
        if (t.kind == TK_PUNCT && t.punct == ')')
            break;
        if (t.kind == TK_PUNCT && t.punct == ',')
            continue;
        if (t.kind == TK_EOF)
            return nb_fail(lx->err, "%s:%d: '(' after '%s' is never closed with ')'", lx->where,
                           open, n->name);
        if (t.kind != TK_WORD && t.kind != TK_STRING)
            return syntax(lx, &t, "an argument or ')'");
        if (!push_arg(n, &t, &cap))
            return oom(lx);
    }
    if (!lex_peek(lx, &t))
        return false;
    if (t.kind == TK_PUNCT && t.punct == ';') {
        lex_next(lx, &t);
    } else if (t.kind == TK_PUNCT && t.punct == '{') {
        lex_next(lx, &t);
        n->group = true;
        if (depth >= LTY_MAX_DEPTH)
            return nb_fail(lx->err, "%s:%d: groups nested more than %d deep", lx->where, t.line,
                           LTY_MAX_DEPTH);
        return parse_body(lx, n, depth + 1, false);
    }
    return true;
}

/* Statements up to the group's '}' (or the end of the file at the top). */
static bool parse_body(lexer *lx, lty_node *group, int depth, bool top)
{
    int cap = 0;
    for (;;) {
        token t;
        if (!lex_next(lx, &t))
            return false;
        if (t.kind == TK_EOF) {
            if (top)
                return true;
            return nb_fail(lx->err, "%s:%d: group '%s' opened here is never closed with '}'",
                           lx->where, group->line, group->name);
        }
        if (t.kind == TK_PUNCT && t.punct == '}' && !top)
            return true;
        if (t.kind == TK_PUNCT && t.punct == ';')
            continue; /* a stray ';' after a group is common and harmless */
        if (t.kind != TK_WORD)
            return syntax(lx, &t, "an attribute or group name");
        lty_node *n = add_kid(group, &cap);
        if (!n || !(n->name = tok_dup(&t)))
            return oom(lx);
        n->line = t.line;
        n->start = (size_t)(t.s - lx->base);
        token sep;
        if (!lex_next(lx, &sep))
            return false;
        bool ok;
        if (sep.kind == TK_PUNCT && sep.punct == ':')
            ok = parse_simple(lx, n);
        else if (sep.kind == TK_PUNCT && sep.punct == '(')
            ok = parse_complex(lx, n, depth);
        else {
            char what[120];
            snprintf(what, sizeof what, "':' or '(' after '%s'", n->name);
            ok = syntax(lx, &sep, what);
        }
        if (!ok)
            return false;
        n->end = (size_t)(lx->consumed - lx->base);
    }
}

void lty_tree_free(lty_node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n_kids; i++)
        lty_tree_free(&n->kids[i]);
    for (int i = 0; i < n->n_args; i++)
        free(n->args[i]);
    free(n->kids);
    free(n->args);
    free(n->name);
    free(n->value);
    memset(n, 0, sizeof *n);
}

bool lty_tree_parse(const char *text, size_t len, const char *where, lty_node *root, nb_err *err)
{
    memset(root, 0, sizeof *root);
    lexer lx = {.p = text, .end = text + len, .where = where, .base = text, .consumed = text,
                .line = 1, .err = err};
    if (!parse_body(&lx, root, 0, true)) {
        lty_tree_free(root);
        return false;
    }
    return true;
}

const char *lty_attr(const lty_node *group, const char *name)
{
    for (int i = 0; i < group->n_kids; i++)
        if (group->kids[i].value && strcmp(group->kids[i].name, name) == 0)
            return group->kids[i].value;
    return NULL;
}

const lty_node *lty_kid(const lty_node *group, const char *name)
{
    for (int i = 0; i < group->n_kids; i++)
        if (!group->kids[i].value && strcmp(group->kids[i].name, name) == 0)
            return &group->kids[i];
    return NULL;
}
