#!/usr/bin/env python3
"""Runs a composite action.yml's steps locally, as a GitHub runner would: each `run` step in
`bash --noprofile --norc -eo pipefail` with its `env` (expressions on `inputs.*` and
`steps.*.outputs.*` evaluated), GITHUB_OUTPUT / GITHUB_PATH / GITHUB_STEP_SUMMARY files, and
the step outputs handed on. `uses` steps cannot run here: they are listed with their inputs.

usage: run.py ACTION_YML WORKSPACE EVENT_NAME EVENT_JSON [NAME=VALUE ...]
Prints one JSON object (steps, outputs, uses, summary) and exits 1 when a step failed."""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def main():
    action_yml, workspace, event_name, event_json, *pairs = sys.argv[1:]
    with open(action_yml) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "not a composite action"
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for pair in pairs:
        name, value = pair.split("=", 1)
        assert name in inputs, f"unknown input {name}"
        inputs[name] = value
    steps_out = {}

    def value(expr):
        parts = expr.split(".")
        if parts[0] == "inputs":
            return inputs[parts[1]]
        if parts[0] == "steps" and parts[2] == "outputs":
            return steps_out.get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"unsupported expression {expr}")

    def evaluate(expr):
        m = re.fullmatch(r"(\S+)\s*==\s*'(.*)'", expr)
        if m:
            return value(m.group(1)) == m.group(2)
        if expr == "always()":
            return True
        return value(expr)

    def substitute(text):
        return EXPR.sub(lambda m: str(evaluate(m.group(1))), str(text))

    tmp = tempfile.mkdtemp(prefix="runner-")
    path_file = os.path.join(tmp, "path")
    summary_file = os.path.join(tmp, "summary")
    open(path_file, "w").close()
    open(summary_file, "w").close()
    base_env = dict(os.environ)
    base_env.update(
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=workspace,
        GITHUB_EVENT_NAME=event_name,
        GITHUB_EVENT_PATH=event_json,
        GITHUB_ACTION_PATH=os.path.dirname(os.path.abspath(action_yml)),
        RUNNER_TEMP=tmp,
        GITHUB_PATH=path_file,
        GITHUB_STEP_SUMMARY=summary_file,
    )
    report = {"steps": [], "uses": [], "outputs": {}}
    failed = False
    for i, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {i}")
        cond = step.get("if")
        if cond is not None:
            cond = EXPR.sub(lambda m: m.group(1), str(cond)).strip()
        if failed and cond != "always()":
            report["steps"].append({"name": name, "status": "skipped"})
            continue
        if cond is not None and not evaluate(cond):
            report["steps"].append({"name": name, "status": "skipped"})
            continue
        if "uses" in step:
            report["uses"].append(
                {"uses": step["uses"], "with": {k: substitute(v) for k, v in step.get("with", {}).items()}}
            )
            report["steps"].append({"name": name, "status": "not run (uses)"})
            continue
        assert step.get("shell") == "bash", f"{name}: composite run steps need shell: bash"
        output_file = os.path.join(tmp, f"output-{i}")
        open(output_file, "w").close()
        env = dict(base_env, GITHUB_OUTPUT=output_file)
        env.update({k: substitute(v) for k, v in step.get("env", {}).items()})
        extra = [p for p in open(path_file).read().splitlines() if p]
        if extra:
            env["PATH"] = os.pathsep.join(extra[::-1] + [env["PATH"]])
        script = os.path.join(tmp, f"step-{i}.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
            cwd=workspace, env=env, capture_output=True, text=True,
        )
        outputs = {}
        for line in open(output_file).read().splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                outputs[k] = v
        if "id" in step:
            steps_out[step["id"]] = outputs
        status = "success" if proc.returncode == 0 else "failure"
        failed |= proc.returncode != 0
        report["steps"].append(
            {"name": name, "status": status, "exit": proc.returncode,
             "stdout": proc.stdout, "stderr": proc.stderr, "outputs": outputs}
        )
    report["outputs"] = {k: substitute(v["value"]) for k, v in action.get("outputs", {}).items()}
    report["summary"] = open(summary_file).read()
    print(json.dumps(report, indent=1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
