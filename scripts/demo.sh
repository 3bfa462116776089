#!/usr/bin/env bash
# The demo behind `make demo`: a scratch repository made from workflows.example/, validated,
# graphed, and checked as a pull request that adds a broken workflow and changes a schedule.
set -uo pipefail
BIN=${1:?usage: demo.sh SIRE_GIT_BINARY DEMO_DIR}
DIR=${2:?usage: demo.sh SIRE_GIT_BINARY DEMO_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME="Demo User" GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME="Demo User" GIT_COMMITTER_EMAIL=demo@example.com

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# Show each argument as a person would type it: quoted only when it needs to be.
shown() { local a out=""; for a in "$@"; do
  case "$a" in *[!A-Za-z0-9_./:=@%+,-]*|"") out+=" '$a'" ;; *) out+=" $a" ;; esac; done; printf '%s' "$out"; }
run() { step "sire-git$(shown "$@")"; "$BIN" "$@"; local rc=$?; [ $rc -eq 0 ] || printf '(exit %d)\n' $rc; }

rm -rf "$DIR" && mkdir -p "$DIR" && cd "$DIR" || exit 1
git init -q --initial-branch=main .
run init
cp "$ROOT"/workflows.example/*.yaml workflows/
git add -A && git commit -qm "Add the example workflows"
step "git log --oneline"; git log --oneline

run validate
run graph resilient --format mermaid
run cron "30 2 * * *" --timezone Europe/Paris --from 2026-03-27T00:00:00Z -n 3

step "a pull request: change a schedule, add a push trigger to hello, add a broken workflow"
git checkout -q -b feature
sed -i 's|cron: "0 \* \* \* \*"|cron: "*/15 * * * *"|; s|^  http: {}|  http: {}\n  push: { paths: ["data/**"] }|' workflows/hello.yaml
cat > workflows/deploy.yaml <<'YAML'
id: deploy
on:
  schedule:
    - cron: "0 9 * * MON-FRI"
      timezone: Europe/Pariss
steps:
  - id: build
    tool: sire:local/shell.run
    params: { argv: [make, build] }
  - id: ship
    needs: [buld]
    tool: sire:local/http.reqest
    params: { url: "https://deploy.example.com/{{ steps.build.output.version }}" }
YAML
git add -A && git commit -qm "Deploy workflow, hello every 15 minutes"
run check --base main --head feature
run check --base main --head feature --format github

step "run workflows, pinned to the commit they are defined at"
git checkout -q main
run run hello --input who=demo --watch
run run resilient
run run fanout
run run hello --dry-run
run runs list
LAST=$("$BIN" runs list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])' 2>/dev/null)
[ -n "$LAST" ] && run runs logs "$LAST"
git checkout -q feature

step "fix it and check again"
sed -i 's|Europe/Pariss|Europe/Paris|; s|\[buld\]|[build]|; s|http.reqest|http.request|' workflows/deploy.yaml
git commit -qam "Fix the deploy workflow"
run check --base main --head feature

step "sire-git mcp: an agent lists the workflows, validates a draft and runs hello (MCP JSON-RPC on stdio)"
git checkout -q main
printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"demo","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_workflows"}}' \
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"validate","arguments":{"files":{"workflows/draft.yaml":"id: draft\nsteps:\n  - id: a\n    tool: sire:local/log.wrte\n"}}}}' \
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"run_workflow","arguments":{"workflow":"hello","inputs":{"who":"agent"},"wait_seconds":10}}}' \
  | "$BIN" mcp --log-level error | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    result = message.get("result", {})
    data = result.get("structuredContent")
    if message["id"] == 1:
        print("initialize ->", result["serverInfo"]["name"], result["serverInfo"]["version"])
    elif message["id"] == 2:
        print("list_workflows ->", ", ".join("%s (%s)" % (w["id"], "valid" if w["valid"] else "invalid") for w in data["workflows"]))
    elif message["id"] == 3:
        for w in data["workflows"]:
            for d in w["diagnostics"]:
                print("validate -> %s:%d:%d: %s [%s]" % (d["path"], d["line"], d["column"], d["message"], d["rule"]))
    elif message["id"] == 4:
        print("run_workflow ->", data["id"], data["status"], "trigger", data["trigger"]["type"], "at", data["commit"][:7])
'

step "the controller: deploy main by commit, fire schedules and push triggers, record everything in git notes"
git checkout -q main
cat > workflows/heartbeat.yaml <<'YAML'
# Fires every 2 seconds so the demo can watch it.
id: heartbeat
on:
  schedule:
    - cron: "*/2 * * * * *"
concurrency: { limit: 1, policy: skip }
steps:
  - id: beat
    tool: sire:local/log.write
    params: { message: "beat from {{ git.short_sha }}" }
YAML
git add -A && git commit -qm "Add a heartbeat every 2 seconds"
CONTROLLER_LOG="$DIR/.git/controller.log"
step "sire-git controller &   (logs: $CONTROLLER_LOG)"
PORT=${DEMO_PORT:-7700}
"$BIN" controller --listen "127.0.0.1:$PORT" >"$CONTROLLER_LOG" 2>&1 &
CPID=$!
trap 'kill -TERM $CPID 2>/dev/null' EXIT
sleep 5
step "a push that changes data/ triggers on-push"
mkdir -p data && echo "42" > data/answer.txt && git add -A && git commit -qm "New data" && sleep 3
GOOD=$(git rev-parse HEAD)
run status
step "git log --notes='sire/*' -1 HEAD   (the ledger: run records, summary, checks; readable by stock git)"
git log --notes='sire/*' -1 HEAD | cut -c1-220 | head -20

if command -v curl >/dev/null; then
  step "curl -s '127.0.0.1:$PORT/v1/workflows/hello/runs?wait=10s' -H 'Content-Type: application/json' -d '{\"inputs\":{\"who\":\"api\"}}'   (the HTTP API)"
  curl -s "127.0.0.1:$PORT/v1/workflows/hello/runs?wait=10s" -H "Content-Type: application/json" -d '{"inputs":{"who":"api"}}' | cut -c1-200; echo
  step "curl -s 127.0.0.1:$PORT/metrics | grep '^sire_runs_total'"
  curl -s "127.0.0.1:$PORT/metrics" | grep '^sire_runs_total'
fi

step "a broken heartbeat: attempted only, the last good version keeps firing"
sed -i 's|tool: sire:local/log.write|tool: sire:local/log.wrte|' workflows/heartbeat.yaml
git commit -qam "Break the heartbeat" && sleep 4
run status
run log -n 4

step "delete it: retired"
git rm -q workflows/heartbeat.yaml && git commit -qm "Remove the heartbeat" && sleep 2
run status
step "kill -TERM controller (graceful: executing runs finish, the ledger is written)"
kill -TERM $CPID; wait $CPID; trap - EXIT
tail -n 5 "$CONTROLLER_LOG" | cut -c1-200
run runs list
echo
echo "demo repository: $DIR"
