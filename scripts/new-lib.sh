#!/usr/bin/env bash
# Scaffold a library: scripts/new-lib.sh <name> <tag> ["one-line description"]
# Creates libs/<name> with package.json (@pfgm/<name>, nx tags), vitest + eslint + tsconfig, src/index.ts.
set -euo pipefail
name=$1; tag=$2; desc=${3:-"@pfgm/$name"}
dir=libs/$name
[ -e "$dir" ] && { echo "$dir exists" >&2; exit 1; }
mkdir -p "$dir/src/lib"
cat > "$dir/package.json" <<JSON
{
  "name": "@pfgm/$name",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "type": "module",
  "exports": {
    ".": { "@pfgm/source": "./src/index.ts", "types": "./src/index.ts", "default": "./src/index.ts" }
  },
  "scripts": { "typecheck": "tsc -p tsconfig.json" },
  "nx": { "tags": ["$tag"] }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{ "extends": "../../tsconfig.base.json", "include": ["src/**/*.ts", "*.ts"] }
JSON
cat > "$dir/vitest.config.ts" <<TS
import { vitestConfig } from '../../vitest.shared.js';

export default vitestConfig('@pfgm/$name');
TS
cat > "$dir/eslint.config.mjs" <<JS
import base from '../../eslint.config.mjs';

export default [...base];
JS
echo "export {};" > "$dir/src/index.ts"
echo "created $dir; add '\"@pfgm/$name\": \"*\"' to dependents' package.json and run npm install"
