#!/usr/bin/env bash
# Checks the lock annotations (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED,
# ...) of every production source with clang's -Wthread-safety, using the
# flags CMake recorded in BUILD_DIR/compile_commands.json. GCC ignores the
# annotations, so without this the prose would go unchecked.
#
#   scripts/check-thread-safety.sh build/native
set -euo pipefail
build=${1:?usage: check-thread-safety.sh BUILD_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clang=${FTEL_CLANG:-clang++-14}
python3 - "$root" "$build/compile_commands.json" "$clang" <<'PY'
import concurrent.futures, json, os, shlex, subprocess, sys
root, database, clang = sys.argv[1:4]
checked, failed = 0, []
def check(entry):
    args = shlex.split(entry["command"])
    out, skip = [clang], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a != "-c":
            out.append(a)
    out += ["-fsyntax-only", "-Wthread-safety", "-Wthread-safety-beta", "-Werror"]
    run = subprocess.run(out, cwd=entry["directory"], capture_output=True, text=True)
    return entry["file"], run.returncode, run.stderr
entries = [e for e in json.load(open(database))
           if os.path.relpath(e["file"], root).split(os.sep)[0] in ("libftel", "agent", "aggregator", "tools", "bench")]
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
    for path, rc, err in pool.map(check, entries):
        checked += 1
        if rc != 0:
            failed.append(path)
            sys.stderr.write(err)
if failed:
    sys.exit(f"lock annotations broken in: {' '.join(os.path.relpath(f, root) for f in failed)}")
print(f"{checked} sources pass clang -Wthread-safety")
PY
