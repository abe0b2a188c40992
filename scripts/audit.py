"""Fail on installed packages with known vulnerabilities (pip-audit), run by `make test`.

pip-audit asks PyPI's JSON API (or OSV) about each installed package. Where neither answers,
as on a machine that reaches only a package mirror, nothing can be audited: that is reported
loudly and, unless AUDIT_REQUIRED=true, does not fail the build; a vulnerability found always
does.
"""

import json
import os
import subprocess
import sys


def run(service: str) -> dict | None:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner"]
    command += ["off", "--skip-editable", "--timeout", "10", "--vulnerability-service", service]
    completed = subprocess.run(command, capture_output=True, text=True)
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        return None  # the service did not answer at all


def main() -> int:
    for service in ("pypi", "osv"):
        report = run(service) or {}
        packages = report.get("dependencies", [])
        audited = [p for p in packages if "skip_reason" not in p]
        if audited:
            break
    else:
        return unaudited("neither PyPI's JSON API nor OSV answered for any installed package")
    vulnerable = [p for p in audited if p.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            print(f"{package['name']} {package['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        print(f"audit: {len(vulnerable)} of {len(audited)} packages have known vulnerabilities")
        return 1
    print(f"audit ({service}): {len(audited)} packages, no known vulnerabilities")
    return 0


def unaudited(reason: str) -> int:
    print(f"audit: NOT AUDITED: {reason}", file=sys.stderr)
    return 1 if os.environ.get("AUDIT_REQUIRED", "").lower() in ("1", "true", "yes") else 0


if __name__ == "__main__":
    sys.exit(main())
