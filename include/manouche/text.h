/* Manouche: UTF-8 and text helpers shared by template filters, forms and HTTP.
 *
 * Every function here reproduces the Python 3 / Django 3.2 function named in
 * its comment, byte for byte, so templates render as they do under Django.
 *
 * Conventions:
 * - Inputs are mn_str slices (not NUL-terminated). Functions that produce
 *   text append it to an mn_buf and return MN_OK or the builder's sticky
 *   error (MN_ENOMEM, MN_ELIMIT); the result lives as long as the builder's
 *   memory (its arena, or until mn_buf_free).
 * - Functions that work on characters decode their input as UTF-8 and treat
 *   each invalid sequence (its maximal invalid subpart) as one U+FFFD, as
 *   Python's bytes.decode('utf-8', 'replace') does. Byte-level functions
 *   (escape, addslashes, quote) pass invalid bytes through unchanged.
 * - Lengths, widths and positions are counted in code points, as Python
 *   counts str lengths.
 * - All functions are reentrant and thread-safe (no shared state). */
#ifndef MANOUCHE_TEXT_H
#define MANOUCHE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/error.h"
#include "manouche/str.h"

/* ---- UTF-8 ---- */

/* The replacement character U+FFFD. */
#define MN_UTF8_REPLACEMENT 0xFFFDu

/* True when s is well-formed UTF-8: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences. */
bool mn_utf8_valid(mn_str s);

/* Like mn_utf8_valid, but returns MN_OK or MN_EPARSE and, on error, stores
 * the byte offset of the first invalid sequence in *bad_offset (may be NULL). */
int mn_utf8_check(mn_str s, size_t *bad_offset);

/* Decodes the code point starting at byte *pos of s.
 * - MN_OK: *cp is the code point and *pos moves past it.
 * - MN_EPARSE: the bytes there are not valid UTF-8; *cp is U+FFFD and *pos
 *   moves past the maximal invalid subpart (1 to 3 bytes), so a loop always
 *   progresses and sees the same sequence of U+FFFD that Python would.
 * - MN_ENOTFOUND: *pos is at (or past) the end of s; nothing changes. */
int mn_utf8_next(mn_str s, size_t *pos, uint32_t *cp);

/* Encodes cp into out (room for 4 bytes) and returns the number of bytes
 * written, or 0 when cp is a surrogate or above U+10FFFF. */
size_t mn_utf8_encode(uint32_t cp, char out[4]);

/* Appends the UTF-8 encoding of cp to b. Returns MN_EINVAL (and appends
 * nothing) for a surrogate or a value above U+10FFFF, else MN_OK or the
 * builder's error. */
int mn_utf8_append(mn_buf *b, uint32_t cp);

/* Number of characters in s (Python's len() of the decoded string): each
 * maximal invalid subpart counts as one character. */
size_t mn_utf8_count(mn_str s);

/* Byte offset where character n (0-based) starts; n equal to the character
 * count gives s.len. Returns -1 when s has fewer than n characters. */
ptrdiff_t mn_utf8_offset(mn_str s, size_t n);

/* Appends s to out with every invalid sequence replaced by U+FFFD
 * (bytes.decode('utf-8', 'replace')). */
int mn_utf8_sanitize(mn_buf *out, mn_str s);

/* True when cp is whitespace for Python's str.isspace(), str.split() and the
 * regular expression class \s. */
bool mn_unicode_isspace(uint32_t cp);

/* ---- case mapping (full Unicode mappings, Python semantics) ---- */

/* str.lower(): full lowercase mapping with the final-sigma rule. */
int mn_text_lower(mn_buf *out, mn_str s);
/* str.upper(): full uppercase mapping ('ß' -> "SS"). */
int mn_text_upper(mn_buf *out, mn_str s);
/* str.title(): a cased character after a cased one is lowercased, any
 * other is titlecased ("they're bill's" -> "They'Re Bill'S"). */
int mn_text_title(mn_buf *out, mn_str s);
/* str.capitalize(): first character titlecased, the rest lowercased. */
int mn_text_capitalize(mn_buf *out, mn_str s);
/* Django's `title` filter: str.title(), then "x'Y" -> "x'y" and
 * digit + uppercase ASCII letter -> lowercase ("1St" -> "1st"). */
int mn_text_django_title(mn_buf *out, mn_str s);
/* Django's capfirst: the first character uppercased (full mapping), the
 * rest unchanged. */
int mn_text_capfirst(mn_buf *out, mn_str s);

/* ---- Django text utilities ---- */

/* django.utils.text.slugify(value, allow_unicode): NFKD + ASCII (or NFKC
 * when allow_unicode), lowercase, drop everything but word characters,
 * whitespace and '-', collapse runs of '-' and whitespace into '-', strip
 * '-' and '_' at both ends. */
int mn_text_slugify(mn_buf *out, mn_str s, bool allow_unicode);

/* The truncatechars filter (Truncator.chars): at most num characters
 * (combining characters do not count), the ellipsis "…" included. The text
 * is NFC-normalised first. */
int mn_text_truncate_chars(mn_buf *out, mn_str s, long num);
/* The truncatewords filter (Truncator.words with " …"): the first num
 * whitespace-separated words joined by single spaces, plus " …" when words
 * were dropped. */
int mn_text_truncate_words(mn_buf *out, mn_str s, long num);
/* The truncatechars_html filter: like truncatechars, but tags and comments
 * are not counted and tags left open are closed. Input beyond 5,000,000
 * characters is cut as Django does. */
int mn_text_truncate_chars_html(mn_buf *out, mn_str s, long num);
/* The truncatewords_html filter: num words of HTML, tags balanced. */
int mn_text_truncate_words_html(mn_buf *out, mn_str s, long num);

/* The wordwrap filter (django.utils.text.wrap with textwrap): lines of at
 * most width characters where possible, long words never broken, existing
 * line breaks kept. Returns MN_EINVAL when width <= 0 (Python raises). */
int mn_text_wordwrap(mn_buf *out, mn_str s, long width);

/* The wordcount filter: len(s.split()). */
size_t mn_text_wordcount(mn_str s);

/* The linebreaks filter: paragraphs in <p>, single newlines as <br>;
 * autoescape escapes the text first (pass false for safe strings). */
int mn_text_linebreaks(mn_buf *out, mn_str s, bool autoescape);
/* The linebreaksbr filter: every newline (\r\n, \r, \n) becomes <br>. */
int mn_text_linebreaksbr(mn_buf *out, mn_str s, bool autoescape);

/* The addslashes filter: backslash before \, " and '. */
int mn_text_addslashes(mn_buf *out, mn_str s);

/* ---- HTML ---- */

/* django.utils.html.escape: & < > " ' as &amp; &lt; &gt; &quot; &#x27;. */
int mn_html_escape(mn_buf *out, mn_str s);
/* The length of the longest prefix of s that escape() leaves unchanged
 * (s.len when there is nothing to escape). */
size_t mn_html_escape_span(mn_str s);

/* django.utils.html.escapejs: \ ' " < > & = - ; ` U+2028 U+2029 and the
 * ASCII controls become \uXXXX escapes. */
int mn_html_escapejs(mn_buf *out, mn_str s);

/* Python's html.unescape: named (HTML5 table), decimal and hexadecimal
 * character references replaced by the characters they stand for. */
int mn_html_unescape(mn_buf *out, mn_str s);

/* django.utils.html.strip_tags (the striptags filter), with Python's
 * html.parser rules. Returns MN_ELIMIT with a message in err (may be NULL)
 * where Django raises SuspiciousOperation (deeply nested or unclosed tags). */
int mn_html_strip_tags(mn_buf *out, mn_str s, mn_err *err);

/* Flags of mn_html_urlize. */
enum {
    MN_URLIZE_NOFOLLOW = 1,   /* rel="nofollow" on web links (the filters set it) */
    MN_URLIZE_AUTOESCAPE = 2, /* escape the text around and inside links */
    MN_URLIZE_SAFE_INPUT = 4  /* the input is a safe string: never escape it */
};

/* django.utils.html.urlize: http(s)://, www. and bare domains ending in
 * .com .edu .gov .int .mil .net .org become links, e-mail addresses become
 * mailto: links. trim_limit >= 0 shortens the link text to that many
 * characters ending in "…" (urlizetrunc); -1 keeps it whole. The urlize
 * filter is flags NOFOLLOW plus AUTOESCAPE when autoescaping. */
int mn_html_urlize(mn_buf *out, mn_str s, long trim_limit, unsigned flags);

/* ---- percent-encoding ---- */

/* urllib.parse.quote(s, safe): every byte except ASCII letters, digits,
 * "_.-~" and the ASCII characters of safe (NULL means "/") becomes %XX
 * (uppercase hex). The urlencode filter is this function. */
int mn_url_quote(mn_buf *out, mn_str s, const char *safe);
/* urllib.parse.quote_plus(s, safe): like quote but spaces become '+';
 * safe NULL means "". */
int mn_url_quote_plus(mn_buf *out, mn_str s, const char *safe);

/* How mn_url_unquote treats decoded bytes that are not UTF-8. */
typedef enum mn_unquote_mode {
    MN_UNQUOTE_REPLACE = 0, /* Python's default: U+FFFD, never fails */
    MN_UNQUOTE_STRICT = 1   /* MN_EPARSE with the offending offset in err */
} mn_unquote_mode;

/* urllib.parse.unquote: %XX (either case of hex) become bytes; malformed
 * escapes stay as they are. The result is then UTF-8 decoded per mode; in
 * strict mode nothing is appended on error (the HTTP layer answers 400). */
int mn_url_unquote(mn_buf *out, mn_str s, mn_unquote_mode mode, mn_err *err);
/* urllib.parse.unquote_plus: '+' means space, then unquote. */
int mn_url_unquote_plus(mn_buf *out, mn_str s, mn_unquote_mode mode, mn_err *err);

/* django.utils.encoding.iri_to_uri (the iriencode filter): quote with safe
 * "/#%[]=:;$&()+,!?*@'~". */
int mn_url_iri_to_uri(mn_buf *out, mn_str s);

/* django.utils.html.smart_urlquote: quotes a URL unless already quoted,
 * punycodes an internationalised host, re-encodes the query string. Used
 * by urlize for link targets. */
int mn_url_smart_quote(mn_buf *out, mn_str url);

/* Python's str.encode('idna') of a domain name (IDNA 2003: nameprep and
 * punycode for non-ASCII labels; ASCII labels unchanged). Returns MN_EINVAL
 * with a message in err for an empty or too long label or a prohibited
 * character, as Python raises UnicodeError. */
int mn_url_idna_encode(mn_buf *out, mn_str domain, mn_err *err);

#endif
