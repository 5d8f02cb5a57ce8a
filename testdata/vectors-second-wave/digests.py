# The digest vectors of the second-wave profiles helpscout, front, plain and gleap,
# computed with Python's hmac from profiles.md's rules alone (never with Signet's code).
# Run from this folder: python3 digests.py (it rewrites the four .json files).
import base64, hashlib, hmac, json, collections

def mac(secret, msg, key=None):
    k = key if key is not None else secret.encode('utf-8')
    return hmac.new(k, msg.encode('utf-8'), hashlib.sha256).digest()
hexd = lambda b: b.hex()

def case(name, digest, valid, uid=None, email=None, reason=None, cause=None, identities=None, diagnosis=None, secret=None):
    c = collections.OrderedDict(name=name)
    if secret: c['secret'] = secret
    if uid is not None: c['uid'] = uid
    if email is not None: c['email'] = email
    c['digest'] = digest
    c['valid'] = valid
    if reason: c['reason'] = reason
    if cause: c['cause'] = cause
    if diagnosis: c['diagnosis'] = diagnosis
    if identities is not None: c['identities'] = identities
    return c

NOW = 1767225600  # digests have no time rule; a fixed clock, as the JWT files give

def write(scheme, source, secret, cases):
    f = collections.OrderedDict(scheme=scheme, source=source, secret=secret, now=NOW, cases=cases)
    with open(scheme + '.json', 'w', encoding='utf-8') as out:
        json.dump(f, out, ensure_ascii=False, indent=2)
        out.write('\n')

OTHER = 'another-secret-not-this-apps-9c1d'

# helpscout: hex HMAC-SHA256(secret as UTF-8, email)
s = 'hs-beacon-secret-5d8e2a7c41f96b30'
write('helpscout', 'profiles.md, second wave: Beacon signature = lowercase hex HMAC-SHA256, key = secret as UTF-8, message = email; computed with Python hmac', s, [
    case("email='jane@example.com'", hexd(mac(s, 'jane@example.com')), True, email='jane@example.com', identities=[['email', 'jane@example.com']]),
    case("email='Zoë.Doe+support@Example.com'", hexd(mac(s, 'Zoë.Doe+support@Example.com')), True, email='Zoë.Doe+support@Example.com', identities=[['email', 'Zoë.Doe+support@Example.com']]),
    case('a user id rides along unsigned', hexd(mac(s, 'jane@example.com')), True, uid='user-42', email='jane@example.com', identities=[['email', 'jane@example.com']]),
    case('upper-case hex', hexd(mac(s, 'jane@example.com')).upper(), True, email='jane@example.com'),
    case("base64 signature, as Help Scout's Python sample writes it", base64.b64encode(mac(s, 'jane@example.com')).decode(), False, email='jane@example.com',
         reason=['malformed'], cause='wrong_encoding', diagnosis='the signature is base64; Beacon signatures are hex'),
    case('signature over the user id', hexd(mac(s, 'user-42')), False, uid='user-42', email='jane@example.com',
         reason=['signature_mismatch'], cause='wrong_message', diagnosis='Help Scout signs the email, not the user id'),
    case('no email sent', hexd(mac(s, 'user-42')), False, uid='user-42', reason=['identity_required'], diagnosis='Help Scout signs the email: none was sent'),
    case('signature made with another secret', hexd(mac(OTHER, 'jane@example.com')), False, email='jane@example.com',
         reason=['signature_mismatch'], cause='unknown', diagnosis='no variant matches: most likely another secret'),
])

# front: hex HMAC-SHA256(secret as UTF-8, user id when sent else email)
s = 'front-verification-secret-0b7f3e9a2c'
write('front', 'profiles.md, second wave: Front Chat userHash = lowercase hex HMAC-SHA256, key = secret as UTF-8, message = the user id when one is sent, else the email (only the signed one verified); computed with Python hmac', s, [
    case("user_id='user-42' email='jane@example.com'", hexd(mac(s, 'user-42')), True, uid='user-42', email='jane@example.com', identities=[['uid', 'user-42']]),
    case("user_id='user-42' email=None", hexd(mac(s, 'user-42')), True, uid='user-42', identities=[['uid', 'user-42']]),
    case("user_id=None email='jane@example.com'", hexd(mac(s, 'jane@example.com')), True, email='jane@example.com', identities=[['email', 'jane@example.com']]),
    case("user_id='ünïcode-ü'", hexd(mac(s, 'ünïcode-ü')), True, uid='ünïcode-ü', identities=[['uid', 'ünïcode-ü']]),
    case('upper-case hex', hexd(mac(s, 'user-42')).upper(), True, uid='user-42'),
    case('digest over the email while a user id is also sent', hexd(mac(s, 'jane@example.com')), False, uid='user-42', email='jane@example.com',
         reason=['signature_mismatch'], cause='wrong_message', diagnosis='Front signs the user id when you send one'),
    case('neither a user id nor an email sent', hexd(mac(s, 'user-42')), False, reason=['identity_required'], diagnosis='nothing to verify'),
    case('digest made with another secret', hexd(mac(OTHER, 'user-42')), False, uid='user-42',
         reason=['signature_mismatch'], cause='unknown', diagnosis='no variant matches: most likely another secret'),
])

# plain: hex HMAC-SHA256(secret as UTF-8, email)
s = '4f9c2a7e1b3d5f60a8c2e4b6d8f0a1c3'
write('plain', 'profiles.md, second wave: Plain emailHash = lowercase hex HMAC-SHA256, key = secret as UTF-8 (not hex-decoded), message = email; computed with Python hmac', s, [
    case("email='jane@example.com'", hexd(mac(s, 'jane@example.com')), True, email='jane@example.com', identities=[['email', 'jane@example.com']]),
    case("email='Jane.Doe+support@Example.com'", hexd(mac(s, 'Jane.Doe+support@Example.com')), True, email='Jane.Doe+support@Example.com', identities=[['email', 'Jane.Doe+support@Example.com']]),
    case('upper-case hex', hexd(mac(s, 'jane@example.com')).upper(), True, email='jane@example.com'),
    case('secret hex-decoded, as for pylon-hmac', hexd(mac(s, 'jane@example.com', key=bytes.fromhex(s))), False, email='jane@example.com',
         reason=['signature_mismatch'], cause='secret_encoding', diagnosis='the secret was hex-decoded; Plain keys with it as text'),
    case('emailHash over the lower-cased email', hexd(mac(s, 'jane.doe+support@example.com')), False, email='Jane.Doe+support@Example.com',
         reason=['signature_mismatch'], cause='wrong_message', diagnosis='the email is signed exactly as sent'),
    case('no email sent', hexd(mac(s, 'user-42')), False, uid='user-42', reason=['identity_required'], diagnosis='Plain signs the email: none was sent'),
])

# gleap: hex HMAC-SHA256(secret as UTF-8, user id as a string)
s = 'gleap-identity-secret-8e2d6b4f1a9c'
write('gleap', 'profiles.md, second wave: Gleap userHash = lowercase hex HMAC-SHA256, key = secret as UTF-8, message = the user id as a string; computed with Python hmac', s, [
    case("user_id='user-42'", hexd(mac(s, 'user-42')), True, uid='user-42', identities=[['uid', 'user-42']]),
    case("user_id='12345' (a numeric id, signed as its decimal text)", hexd(mac(s, str(12345))), True, uid='12345', identities=[['uid', '12345']]),
    case('an email rides along unsigned', hexd(mac(s, 'user-42')), True, uid='user-42', email='jane@example.com', identities=[['uid', 'user-42']]),
    case('upper-case hex', hexd(mac(s, 'user-42')).upper(), True, uid='user-42'),
    case('digest over the email', hexd(mac(s, 'jane@example.com')), False, uid='user-42', email='jane@example.com',
         reason=['signature_mismatch'], cause='wrong_message', diagnosis='Gleap signs the user id'),
    case('no user id sent', hexd(mac(s, 'jane@example.com')), False, email='jane@example.com', reason=['identity_required'], diagnosis='Gleap signs the user id: none was sent'),
    case('digest made with another secret', hexd(mac(OTHER, 'user-42')), False, uid='user-42',
         reason=['signature_mismatch'], cause='unknown', diagnosis='no variant matches: most likely another secret'),
])
