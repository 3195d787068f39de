#!/usr/bin/env python3
"""Writes tests/core/text_cases.h: expected outputs computed by Django 3.2
and Python 3 for the text helpers, so the C tests compare against the real
thing. Run: /usr/bin/python3 tests/core/gen_text_cases.py > tests/core/text_cases.h"""
import html
import urllib.parse as U
import django
from django.conf import settings
settings.configure()
django.setup()
from django.template import defaultfilters as D
from django.utils import html as H, text as T
from django.utils.encoding import iri_to_uri, punycode
from django.utils.safestring import SafeString

def c(s):
    b = s.encode('utf-8') if isinstance(s, str) else s
    out = '"'
    for ch in b:
        if 32 <= ch < 127 and ch not in (34, 92, 63):
            out += chr(ch)
        else:
            out += '\\%03o' % ch
    return out + '"'

WORDS = ["", "hello", "Hello World", "ß straße", "ΑΣ ΟΔΟΣ", "they're bill's friends from the UK",
         "1st 2nd 3RD", "ǆemal İstanbul ﬁne", "a'B'C", "élan vital", "e\u0301te\u0301", "日本語 テキスト",
         "  spaced   out\twords\n", "x\xa0y\u3000z", "ŉ ΐ ᾳ", "ﬀ ﬓ և", "don't 4TH", "ΣΑΣ.", "Σ"]
CASE_FUNCS = {
    'lower': lambda s: s.lower(), 'upper': lambda s: s.upper(), 'title': lambda s: s.title(),
    'capitalize': lambda s: s.capitalize(), 'django_title': D.title, 'capfirst': D.capfirst,
}
SLUGS = ["Hello World!", " Joel is a slug ", "Ḩeļļo ŵorld", "jaja---lol-méméméoo--a", "__strip__dashes--",
         "你好 世界", "Ǆemal-İstanbul", "a\xa0b\u2003c", "10 ½ inches ①②", "-_-", "", "ﬁne ﬂower", "üBER Straße",
         "हिन्दी शब्द", "ÆØÅ æøå"]
TRUNC = ["The quick brown fox jumps over the lazy dog", "", "short", "Ünïcödé wörds hërë", "e\u0301e\u0301e\u0301e\u0301",
         "a  b\n c\t d", "one two three …", "…", "word",
         # the UTF-8 fast path: Unicode spaces, ellipsis words, control separators
         "x\xa0y\u3000z w", "\u2028lead and trail\u2029", "a\x1cb\x1fc d", "a … b", "a b … c", "… …", "a…  b",
         "\u0085x y\x85", "  ", "wörd ünd wörd ünd"]
HTMLS = ["<p>The quick <b>brown</b> fox</p>", "<p>one <a href=\"x\">two three</a> four</p>",
         "<div><br>Hello <img src='a.png'/> there, <i>my <b>friend</b></i></div>",
         "<!-- comment --> text <p>para</p>", "a < b and c > d", "<<<<", "<p>Unclosed <b>bold",
         "</p>closing first <em>emph</em>", "<P>Upper <B>case</B></P>", "no tags at all here",
         "<p>e\u0301te\u0301 café</p>", "<br/><hr/>x y z", "<x/y>text</x/y>", "< p>spaced</ p>"]
WRAPS = ["Joel is a slug", "this is a long paragraph of text that really needs to be wrapped I'm afraid",
         "this is a short paragraph of text.\n  But this line should be indented", "", "a\n\nb",
         "tab\tseparated\twords here", "verylongwordthatcannotbebroken short", "ünïcödé wörds hërë ok",
         "line1\r\nline2\rline3", "  leading spaces", "trailing   "]
ESC = ["", "<a href=\"x\">'Tom' & \"Jerry\"</a>", "plain", "é<ü>", "&amp;"]
JS = ["", "\"double\" 'single' \\back", "</script><!-- -- -->", "a=b;c-d`e`", "\x01\t\n\r\x1f",
      "line\u2028sep\u2029para", "ünïcödé"]
UNESC = ["&amp;&lt;&gt;&quot;&#39;&#x27;", "&ampx &amp &notin; &notit;", "&#0; &#128; &#x110000; &#xD800; &#1;",
         "&unknown; & &#; &#x;", "&NotEqualTilde; &nvlt;", "no entities", "&AMP &copy2019", "&#x41&#66x"]
URLIZE = ["Check out www.djangoproject.com.", "http://example.com/?a=1&b=2", "(see https://example.com/a_(b))",
          "mail foo@bar.com now", "Email: ä@ü.com", "http://example.com/&amp;.", "www.例え.jp",
          "google.com/x?q=ü", "a@b..com", "http://[::1]:80/path", "<b>http://x.com</b>",
          "Go to djangoproject.org, or djangoproject.com!", "[https://example.com]", "x@münchen.de",
          "http://example.com/some%20path/ü?q=a+b&r=%25#frag ment", "HTTPS://EXAMPLE.COM", "http://.com",
          "http://example.com/verylongpathname/that/keeps/going", "Trailing &lt;http://a.com&gt;;",
          "'quoted' \"www.x.org\"", "ftp://not.linked", "foo@bar", "@x.com",
          # fast paths: text without '.', '@' or ':', Unicode separators, plain URLs
          "no links <here> & \"there\" isn't", " ", "\t\n", "a\xa0www.x.com\u3000b", "x\u2028http://a.com\u2029y",
          "é http://é.com/ü é", "http://a.com, http://b.org; see", "HTTP://Example.COM/Path", "http://a..b/x",
          "http://" + "a" * 63 + ".com/", "HTTP://" + "a" * 64 + ".com/", "http://x.com/a%41#f", "user@example.com.",
          "&amp; www.x.com &lt;", "…www.x.com…", "http://x.com/a'b", "https://shop.example.com/p/7 for details"]
QUOTE = ["", "abc", "a b/c?d=e&f", "/I ♥ Django/", "~_.-", "100%", "ü€😀", "\x01\x7f"]
UNQUOTE = ["", "a%20b", "%41%42%43", "%zz%4", "%E2%99%A5", "%C3%28", "%ED%A0%80", "a+b%2B", "%", "%%41", "€%E2%82"]

def emit_pairs(name, rows):
    print("static const char *const %s[][2] = {" % name)
    for a, b in rows:
        print("    { %s, %s }," % (c(a), c(b)))
    print("};")

def emit_triples(name, rows):
    print("static const struct { const char *in; long n; const char *out; } %s[] = {" % name)
    for a, n, b in rows:
        print("    { %s, %d, %s }," % (c(a), n, c(b)))
    print("};")

print("/* Generated by tests/core/gen_text_cases.py from Django %s. Do not edit. */" % django.get_version())
for fname, fn in CASE_FUNCS.items():
    emit_pairs("case_" + fname, [(w, fn(w)) for w in WORDS])
emit_pairs("case_slugify", [(s, T.slugify(s)) for s in SLUGS])
emit_pairs("case_slugify_unicode", [(s, T.slugify(s, True)) for s in SLUGS])
emit_triples("case_truncatechars", [(s, n, D.truncatechars(s, n)) for s in TRUNC for n in (-1, 0, 1, 3, 5, 10, 100)])
emit_triples("case_truncatewords", [(s, n, D.truncatewords(s, n)) for s in TRUNC for n in (-1, 0, 1, 2, 3, 100)])
emit_triples("case_truncatechars_html", [(s, n, D.truncatechars_html(s, n)) for s in HTMLS + TRUNC for n in (0, 1, 4, 7, 12, 100)])
emit_triples("case_truncatewords_html", [(s, n, D.truncatewords_html(s, n)) for s in HTMLS + TRUNC for n in (0, 1, 2, 3, 5, 100)])
emit_triples("case_wordwrap", [(s, n, D.wordwrap(s, n)) for s in WRAPS for n in (1, 5, 14, 40)])
emit_triples("case_wordcount", [(s, 0, str(D.wordcount(s))) for s in TRUNC + WRAPS])
emit_triples("case_linebreaks", [(s, n, H.linebreaks(s, bool(n))) for s in WRAPS + ESC + ["a\n\n\n\nb\nc", "\n\n"] for n in (0, 1)])
emit_triples("case_linebreaksbr", [(s, n, D.linebreaksbr(s, bool(n))) for s in WRAPS + ESC for n in (0, 1)])
emit_pairs("case_addslashes", [(s, D.addslashes(s)) for s in ESC + JS])
emit_pairs("case_escape", [(s, H.escape(s)) for s in ESC + JS])
emit_pairs("case_escapejs", [(s, H.escapejs(s)) for s in ESC + JS])
emit_pairs("case_unescape", [(s, html.unescape(s)) for s in UNESC + ESC])
rows = []
for s in URLIZE:
    for flags in (0, 1, 2, 3, 6, 7):
        v = SafeString(s) if flags & 4 else s
        rows.append((s, flags, H.urlize(v, nofollow=bool(flags & 1), autoescape=bool(flags & 2))))
emit_triples("case_urlize", rows)
emit_triples("case_urlizetrunc", [(s, n, D.urlizetrunc(s, n)) for s in URLIZE for n in (0, 1, 10, 20)])
emit_pairs("case_quote", [(s, U.quote(s)) for s in QUOTE])
emit_pairs("case_quote_empty_safe", [(s, U.quote(s, safe='')) for s in QUOTE])
emit_pairs("case_quote_plus", [(s, U.quote_plus(s)) for s in QUOTE])
emit_pairs("case_unquote", [(s, U.unquote(s)) for s in UNQUOTE])
emit_pairs("case_unquote_plus", [(s, U.unquote_plus(s)) for s in UNQUOTE])
emit_pairs("case_iri_to_uri", [(s, iri_to_uri(s)) for s in QUOTE + ["/blog/for/Jürgen Münster/", "http://x.com/?q=1#a%20b"]])
emit_pairs("case_smart_urlquote", [(s, H.smart_urlquote(s)) for s in ["http://example.com/ü?q=a b&r=%20", "http://例え.jp/", "https://user:pw@Example.com:8000/p%2Fq", "http://[::1]/", "http://a..b/", "http://x.com/?a&&b=", "www.x.org", "HTTP://Example.COM/a_b~c!$&'()*+,;=:@/", "HTTP://a..b/", "http:////x", "http:///x", "HtTp://" + "b" * 64 + "/x", "1http://x/", "a:b", "http:x/y"]])
STRIP = ["<p>Hello <b>World</b></p>", "a &lt; b &amp; c &#123; &#x41;", "<scr<script>ipt>alert(1)</scr</script>ipt>",
         "&#x <b>bold</b>", "&#; &#; <b>x</b>", "&abc", "x&a", "<!-- comment -->text<!DOCTYPE html>",
         "<![CDATA[data]]>after", "<?php echo 1 ?>x", "<script>var a = '<b>';</script>tail", "<style>p{}</STYLE >z",
         "<a href='x' title=\"y\">link</a>", "<a b=='c>d", "<br/>line<br />", "5 < 6 > 4", "</>empty", "< p>not a tag</ p>",
         "<p>unclosed", "é<i>ü</i>", "", "no tags", "&amp.x", "<img src=x onerror=alert(1)//>", "<<b>b>nested</b>"]
emit_pairs("case_strip_tags", [(s, H.strip_tags(s)) for s in STRIP])
emit_pairs("case_idna", [(s, punycode(s)) for s in ["example.com", "münchen.de", "例え.テスト", "Straße.de", "ÄÖÜ.com.", "EXAMPLE.com", "xn--abc.com", "ä@\u07bc.il", "\u05d0\u05d1.com", "ＡＢＣ．com"]])
