// The njs module that checks API keys: written next to nginx.conf and called through auth_request from
// every route that requires a key. The check answers the data key that holds the presented key, its
// consumer, in a header the route reads (auth_request_set).
import { CONSUMER_HEADER } from './nginx-names.ts';

export const API_KEY_SCRIPT_FILE = 'gateway-api-keys.js';
/** njs module name in js_import, and the handler the check location calls. */
export const API_KEY_MODULE = 'gateway_api_keys';
export const API_KEY_HANDLER = `${API_KEY_MODULE}.check`;

/** The largest key the gateway accepts, in characters. */
const MAX_API_KEY_LENGTH = 512;
/** The shortest: a shorter value in a key Secret is ignored (and reported in the route's status). */
export const MIN_API_KEY_LENGTH = 16;

// ES5 syntax plus import/export, which both njs engines run (the tests run njs 1.0, as the nginx images
// ship it), and no state kept between requests: njs 0.8.6 and later reuse a VM for many requests.
export const API_KEY_SCRIPT = String.raw`// API-key check of the gateway's routes, rendered by ai-gateway-operator.
// The accepted keys are the values of a Secret mounted as files in the directory a route sets in
// $gw_api_key_directory. They are read on every check, so a key added to or removed from the Secret
// applies as soon as the kubelet updates the files, without reloading nginx.
import fs from 'fs';
import crypto from 'crypto';

// RFC 6750 bearer-token characters; anything else is never a key.
var KEY = /^[A-Za-z0-9._~+\/-]+=*$/;
var MAX_KEY_LENGTH = ${MAX_API_KEY_LENGTH};
var MIN_KEY_LENGTH = ${MIN_API_KEY_LENGTH};

function isKey(value) {
  return value.length >= MIN_KEY_LENGTH && value.length <= MAX_KEY_LENGTH && KEY.test(value);
}

// Keys are compared as SHA-256 digests, so the time a comparison takes says nothing about a key.
function digest(value) {
  return crypto.createHash('sha256').update(value).digest('hex');
}

function presentedKeys(r) {
  var keys = [];
  var authorization = r.headersIn['Authorization'];
  var bearer = authorization ? /^Bearer +(\S+) *$/i.exec(authorization) : null;
  if (bearer) keys.push(bearer[1]);
  var apiKey = r.headersIn['X-API-Key'];
  if (apiKey) keys.push(apiKey.trim());
  return keys.filter(isKey);
}

// The accepted keys' digests, each with the data key that holds it: its consumer.
// The kubelet keeps a Secret's data in dot-named entries (..data, ..<timestamp>) and links one file per
// data key next to them; only those files hold keys.
function acceptedDigests(r, directory) {
  var names;
  try {
    names = fs.readdirSync(directory);
  } catch (e) {
    r.warn('API keys: cannot list ' + directory + ': ' + e.message);
    return [];
  }
  var digests = [];
  for (var i = 0; i < names.length; i++) {
    if (names[i].charAt(0) === '.') continue;
    var value;
    try {
      value = fs.readFileSync(directory + '/' + names[i], 'utf8').trim();
    } catch (e) {
      continue;
    }
    if (isKey(value)) digests.push({ digest: digest(value), consumer: names[i] });
  }
  return digests;
}

function check(r) {
  var directory = r.variables.gw_api_key_directory;
  var presented = presentedKeys(r);
  if (!directory || presented.length === 0) {
    r.return(401);
    return;
  }
  var accepted = acceptedDigests(r, directory);
  for (var i = 0; i < presented.length; i++) {
    var presentedDigest = digest(presented[i]);
    for (var j = 0; j < accepted.length; j++) {
      if (accepted[j].digest === presentedDigest) {
        // The data key of the Secret names the consumer, for the log, metrics and consumer limits.
        r.headersOut['${CONSUMER_HEADER}'] = accepted[j].consumer;
        r.return(204);
        return;
      }
    }
  }
  r.return(401);
}

export default { check: check };
`;
