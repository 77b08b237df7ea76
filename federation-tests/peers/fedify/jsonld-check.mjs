// Offline JSON-LD check of documents served or sent by Passerelle.
//
// Reads on stdin a JSON array of `{ "name": …, "document": {…} }` and expands each document
// with jsonld.js in safe mode, where any term that the declared contexts do not define, any
// relative IRI or any dropped value is an error. Contexts come only from the copies bundled
// with Fedify (ActivityStreams, security v1, schema.org, …); any other context URL is an error
// and nothing is fetched from the network.
//
// Prints one line per document (`ok NAME` or `error NAME: reason`) and exits 1 if any failed.

import jsonld from "jsonld";
import { preloadedContexts } from "@fedify/vocab-runtime";

function documentLoader(url) {
  const document = preloadedContexts[url];
  if (document === undefined) {
    throw new Error(`context ${url} is not bundled (remote contexts are never fetched)`);
  }
  return Promise.resolve({ contextUrl: null, documentUrl: url, document });
}

/**
 * The ActivityStreams context maps unknown terms to blank-node IRIs (`"@vocab": "_:"`), so
 * safe mode alone lets them through: they are found in the expanded tree instead.
 */
function undefinedTerms(node, path = "", found = []) {
  if (Array.isArray(node)) {
    node.forEach((n) => undefinedTerms(n, path, found));
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("_:")) found.push(`${path}${key.slice(2)}`);
      if (key === "@type") {
        for (const t of [value].flat()) {
          if (typeof t === "string" && t.startsWith("_:")) found.push(`${path}@type ${t.slice(2)}`);
        }
      }
      if (key !== "@value") undefinedTerms(value, key.startsWith("_:") ? `${path}${key.slice(2)}.` : path, found);
    }
  }
  return found;
}

function describe(e) {
  const details = e?.details?.event ?? e?.details ?? {};
  const parts = [e?.message ?? String(e)];
  if (details.code) parts.push(details.code);
  if (details.message) parts.push(details.message);
  if (details.details) parts.push(JSON.stringify(details.details));
  return parts.join(" / ");
}

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));

let failed = 0;
for (const { name, document } of items) {
  try {
    if (!document || typeof document !== "object" || !("@context" in document)) {
      throw new Error("no @context");
    }
    const expanded = await jsonld.expand(document, { documentLoader, safe: true });
    if (expanded.length !== 1 || !expanded[0]["@type"]) {
      throw new Error(`expands to ${expanded.length} typed node(s)`);
    }
    const unknown = undefinedTerms(expanded);
    if (unknown.length) throw new Error(`terms not defined by its contexts: ${unknown.join(", ")}`);
    console.log(`ok ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`error ${name}: ${describe(e)}`);
  }
}
process.exit(failed ? 1 : 0);
