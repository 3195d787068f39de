#!/usr/bin/env bash
# Interoperability with Django 3.2 (Debian's python3-django), both ways, with
# the same SECRET_KEY: Signer, TimestampSigner, dumps/loads (with and without
# compression), salted_hmac, make_password/check_password. The C side is
# $MN_BUILD/tests/interop_signing.
set -euo pipefail
build=${MN_BUILD:-build}
helper=$build/tests/interop_signing
[ -x "$helper" ] || { echo "signing_django: $helper is not built" >&2; exit 1; }

# Debian's python3 has python3-django; a python3 earlier in PATH may not.
py=""
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import django' 2>/dev/null; then py=$cand; break; fi
done
[ -n "$py" ] || { echo "signing_django: no python3 with Django (apt-get install python3-django)" >&2; exit 1; }

HELPER=$helper "$py" - <<'EOF'
import json, os, subprocess, sys, time
from unittest import mock
import django
from django.conf import settings

KEY = 'django-insecure-interop-\u00e9-key-0123456789'
settings.configure(SECRET_KEY=KEY)
django.setup()
from django.core import signing
from django.utils.crypto import salted_hmac
from django.contrib.auth.hashers import check_password, make_password, PBKDF2PasswordHasher

HELPER = os.environ['HELPER']
checks = 0
failures = []

def c(*args, ok=True):
    p = subprocess.run([HELPER] + [str(a) for a in args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise AssertionError('helper %r failed: %s' % (args[:1], p.stderr.strip()))
    if not ok:
        return p.returncode, p.stderr.strip()
    assert p.stdout.endswith('\n')
    return p.stdout[:-1]

def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print('FAIL:', what, file=sys.stderr)

values = ['hello', '', 'a:b:c', 'caf\u00e9 \u2603 \U0001f600', 'x' * 3000, 'with space / and = signs']

# --- Signer ---
for salt, sep, alg in [('', '', 'sha256'), ('my.salt', '', 'sha256'), ('', '/', 'sha256'),
                       ('s', '::', 'sha512'), ('', '', 'sha1')]:
    signer = signing.Signer(KEY, sep=sep or ':', salt=salt or None, algorithm=alg)
    for v in values:
        py_signed = signer.sign(v)
        c_signed = c('sign', KEY, salt, sep, alg, v)
        check(c_signed == py_signed, 'Signer.sign identical (%s, %r, %s, %.20r)' % (salt, sep, alg, v))
        check(c('unsign', KEY, salt, sep, alg, py_signed) == v, 'C unsigns Django Signer value %.20r' % v)
        check(signer.unsign(c_signed) == v, 'Django unsigns C Signer value %.20r' % v)
        rc, msg = c('unsign', KEY, salt, sep, alg, py_signed + 'x', ok=False)
        check(rc == 2 and 'does not match' in msg, 'C rejects a tampered Signer value: %s' % msg)
    rc, msg = c('unsign', 'other key', salt, sep, alg, signer.sign('v'), ok=False)
    check(rc == 2 and 'does not match' in msg, 'C rejects another key')

# Legacy SHA-1 signatures (Django <= 3.1) are accepted by both.
legacy = signing.Signer(KEY, algorithm='sha1').sign('legacy')
check(c('unsign', KEY, '', '', 'sha256', legacy) == 'legacy', 'C accepts a legacy SHA-1 signature')
check(signing.Signer(KEY).unsign(c('sign', KEY, '', '', 'sha1', 'legacy')) == 'legacy',
      'Django accepts a C SHA-1 signature')

# --- TimestampSigner ---
for salt in ['', 'ts.salt']:
    ts = signing.TimestampSigner(KEY, salt=salt or None)
    for v in values[:4]:
        check(c('tunsign', KEY, salt, 60, ts.sign(v)) == v, 'C unsigns Django TimestampSigner value %r' % v)
        check(ts.unsign(c('tsign', KEY, salt, v), max_age=60) == v, 'Django unsigns C TimestampSigner value %r' % v)
    with mock.patch('time.time', return_value=time.time() - 100):
        old = ts.sign('old')
    rc, msg = c('tunsign', KEY, salt, 10, old, ok=False)
    check(rc == 2 and 'Signature age' in msg and '> 10 seconds' in msg, 'C reports expiry: %s' % msg)
    check(c('tunsign', KEY, salt, -1, old) == 'old', 'C without max_age accepts an old value')
    c_signed = c('tsign', KEY, salt, 'fresh')
    with mock.patch('time.time', return_value=time.time() + 100):
        try:
            ts.unsign(c_signed, max_age=10)
            check(False, 'Django expires a C timestamp')
        except signing.SignatureExpired:
            check(True, 'Django expires a C timestamp')
    # The same second gives the same text.
    now = int(time.time())
    with mock.patch('time.time', return_value=float(now)):
        py_signed = ts.sign('same')
    c_signed = c('tsign', KEY, salt, 'same')
    if c_signed.split(':')[1] == py_signed.split(':')[1]:
        check(c_signed == py_signed, 'TimestampSigner.sign identical within one second')

# --- signed cookies (HttpResponse.set_signed_cookie / request.get_signed_cookie) ---
for name in ['sessionid', 'cart', 'pr\u00e9f']:
    for v in values[:4]:
        py_signed = signing.get_cookie_signer(salt=name).sign(v)
        check(c('cookie_unsign', KEY, name, 60, py_signed) == v, 'C reads a Django signed cookie %r' % v)
        check(signing.get_cookie_signer(salt=name).unsign(c('cookie_sign', KEY, name, v), max_age=60) == v,
              'Django reads a C signed cookie %r' % v)
    rc, msg = c('cookie_unsign', KEY, name + 'x', 60, signing.get_cookie_signer(salt=name).sign('v'), ok=False)
    check(rc == 2 and 'does not match' in msg, 'C refuses a cookie signed for another name')

# --- dumps / loads ---
objects = [
    'hello', None, True, 12345678901234, 3.5, [], {},
    {'user_id': 42, 'name': 'Z\u00fcrich \u2603', 'roles': ['admin', 'staff'], 'nested': {'a': [1, 2, {'b': None}]}},
    list(range(1, 20)),
    {'cart': [{'sku': 'SKU-%04d' % i, 'qty': i % 5 + 1} for i in range(200)]},
]
for salt in ['', 'my.app.cart']:
    for obj in objects:
        for compress in (False, True):
            py_signed = signing.dumps(obj, key=KEY, salt=salt or 'django.core.signing', compress=compress)
            text = c('loads', KEY, salt, 60, py_signed)
            check(json.loads(text) == obj, 'C loads Django dumps %.30r compress=%s' % (obj, compress))
            c_signed = c('dumps', KEY, salt, int(compress), json.dumps(obj, separators=(',', ':')))
            back = signing.loads(c_signed, key=KEY, salt=salt or 'django.core.signing', max_age=60)
            check(back == obj, 'Django loads C dumps %.30r compress=%s' % (obj, compress))
            check(c_signed.startswith('.') == py_signed.startswith('.'),
                  'same compression decision for %.30r compress=%s' % (obj, compress))
            check(c_signed.rsplit(':', 2)[0] == py_signed.rsplit(':', 2)[0],
                  'identical payload for %.30r compress=%s' % (obj, compress))
big = {'cart': [{'sku': 'SKU-%04d' % i, 'qty': 1} for i in range(200)]}
check(signing.dumps(big, key=KEY, compress=True).startswith('.'), 'Django compresses the big cart')
rc, msg = c('loads', KEY, 'wrong.salt', -1, signing.dumps('x', key=KEY), ok=False)
check(rc == 2 and 'does not match' in msg, 'C loads refuses another salt')
with mock.patch('time.time', return_value=time.time() - 3600):
    old = signing.dumps({'a': 1}, key=KEY)
rc, msg = c('loads', KEY, '', 60, old, ok=False)
check(rc == 2 and 'Signature age' in msg, 'C loads expires old values: %s' % msg)

# --- salted_hmac ---
for alg in ['sha1', 'sha256', 'sha512']:
    for key_salt, value, secret in [('django.contrib.auth.tokens', 'value', KEY), ('', '', 's'),
                                    ('k\u00e9y', 'v\u2603', 'sec\u00e9ret')]:
        check(c('salted_hmac', alg, key_salt, value, secret) ==
              salted_hmac(key_salt, value, secret, algorithm=alg).hexdigest(),
              'salted_hmac %s %r' % (alg, key_salt))

# --- passwords ---
passwords = ['letmein', '', 'p\u00e4ssw\u00f6rd \u2603', 'x' * 500]
for pw in passwords:
    enc = c('make_password', pw, 1000)
    check(enc.startswith('pbkdf2_sha256$1000$') and len(enc.split('$')[2]) == 22, 'C hash format %r' % enc)
    check(check_password(pw, enc), 'Django checks a C hash of %.20r' % pw)
    check(not check_password(pw + '!', enc), 'Django rejects a wrong password against a C hash')
    py_enc = PBKDF2PasswordHasher().encode(pw, 'fixedsalt', 1000)
    check(c('encode_password', pw, 'fixedsalt', 'sha256', 1000) == py_enc, 'identical encode of %.20r' % pw)
    py_sha1 = make_password(pw, hasher='pbkdf2_sha1')
    check(c('check_password', pw, py_sha1) == 'true update', 'C checks a Django pbkdf2_sha1 hash')
    check(c('check_password', pw + 'x', py_sha1) == 'false current', 'C rejects a wrong password (sha1)')
# Full Django defaults, once each way (260000 iterations).
py_enc = make_password('default iterations')
check(c('check_password', 'default iterations', py_enc) == 'true current', 'C checks a default Django hash')
check(c('check_password', 'Default iterations', py_enc) == 'false current', 'C rejects a wrong password')
enc = c('make_password', 'default iterations', 0)
check(enc.startswith('pbkdf2_sha256$260000$'), 'C default iteration count')
check(check_password('default iterations', enc), 'Django checks a default C hash')
check(c('check_password', 'x', make_password(None)) == 'false current', 'C rejects an unusable Django password')
check(c('check_password', 'x', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA') == 'false current',
      'C rejects an unsupported hasher')

print('signing_django: %d checks, %d failed' % (checks, len(failures)))
sys.exit(1 if failures else 0)
EOF
