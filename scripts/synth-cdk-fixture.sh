#!/usr/bin/env bash
# Regenerates the cdk.out of each CDK app among the fixtures (fixtures/iac/cdk-app, fixtures/iac/equivalence/cdk, fixtures/iac/monitoring/cdk).
# aws-cdk-lib is large, so it is installed into a temporary folder outside the repository;
# set TRAILGATE_CDK_WORKDIR to an existing folder to reuse an earlier install.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${TRAILGATE_CDK_WORKDIR:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/trailgate-cdk-XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

if [ ! -d "$work/node_modules/aws-cdk-lib" ]; then
  (cd "$work" && echo '{"name":"trailgate-cdk-fixture","private":true}' > package.json \
    && npm install --no-audit --no-fund --loglevel=error aws-cdk-lib@2.276.0 constructs@10.8.1)
fi

for app_dir in "$repo/fixtures/iac/cdk-app" "$repo/fixtures/iac/equivalence/cdk" "$repo/fixtures/iac/monitoring/cdk"; do
  out="$work/cdk.out"
  rm -rf "$out"
  cp "$app_dir/app.cjs" "$work/app.cjs"
  (cd "$work" && CDK_OUTDIR="$out" node app.cjs)

  # Keep only what trailgate reads: manifests, stack templates and asset manifests (no assets, no tree).
  rm -rf "$app_dir/cdk.out"
  (cd "$out" && find . -type f \( -name 'manifest.json' -o -name '*.template.json' -o -name '*.assets.json' \) -print) |
    while read -r file; do
      mkdir -p "$app_dir/cdk.out/$(dirname "$file")"
      cp "$out/$file" "$app_dir/cdk.out/$file"
    done
  echo "cdk.out written to ${app_dir#"$repo"/}/cdk.out:"
  (cd "$app_dir/cdk.out" && find . -type f | sort)
done
