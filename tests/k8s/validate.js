#!/usr/bin/env node
// Validate Kubernetes manifests offline against the Kubernetes OpenAPI
// schemas shipped by the npm package kubernetes-models (pinned in
// package.json / package-lock.json beside this file; 4.x runs on Debian 12's
// Node.js 18).
//   node tests/k8s/validate.js FILE.yaml...
// Every YAML document must have an apiVersion and kind that kubernetes-models
// knows, and must pass its validate() (types, required fields, formats such
// as quantities and DNS names). Prints one line per object,
// "PASS k8s-valid:<file>:<Kind>/<name>" or "FAIL …: <why>"; exits 1 when any
// object failed. (The schemas accept fields they do not define, as the API
// server does; tests/integration/check_compose.sh checks that the probes,
// limits and the like are where they should be.)
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

function modelFor(apiVersion, kind) {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) return null;
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind] || null;
  } catch (e) {
    return null;
  }
}

let failed = 0;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate.js FILE.yaml...");
  process.exit(2);
}
for (const file of files) {
  let docs;
  try {
    docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`FAIL k8s-valid:${file}: ${e.message}`);
    failed++;
    continue;
  }
  docs.forEach((doc, i) => {
    if (doc.errors.length) {
      console.log(`FAIL k8s-valid:${file}#${i}: ${doc.errors[0].message}`);
      failed++;
      return;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) return;
    const name = `${file}:${obj.kind}/${(obj.metadata || {}).name}`;
    if (!obj.apiVersion || !obj.kind) {
      console.log(`FAIL k8s-valid:${file}#${i}: no apiVersion/kind`);
      failed++;
      return;
    }
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      console.log(`FAIL k8s-valid:${name}: kubernetes-models knows no ${obj.apiVersion} ${obj.kind}`);
      failed++;
      return;
    }
    const why = [];
    try {
      new Model(obj).validate();
    } catch (e) {
      why.push(String(e.message || e).split("\n")[0]);
    }
    if (why.length) {
      console.log(`FAIL k8s-valid:${name}: ${why.join("; ")}`);
      failed++;
    } else {
      console.log(`PASS k8s-valid:${name}`);
    }
  });
}
process.exit(failed ? 1 : 0);
