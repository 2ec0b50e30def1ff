"""Regenerate the app's screenshots (``make screenshots``): desktop 1440x900 and phone 390x844.

Runs the browser tests of ``tests/test_browser.py`` (a real ``streamlit run app.py`` driven in
Debian's Chromium) with ``ESHOPPYE_SCREENSHOTS`` pointing at the output folder, then lists the
pictures written and the browser timings (``timings.json``). The default folder,
``build/screenshots/``, is ignored by git: nothing tracked changes.

    python3 scripts/screenshots.py                      # every page, both widths
    python3 scripts/screenshots.py --only phone         # only the tests whose name has "phone"
    python3 scripts/screenshots.py --out /tmp/shots     # another folder
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = {"all": "", "desktop": "end_to_end or direct_link", "phone": "phone"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Captures d'écran de l'app dans Chromium (1440 et 390 px de large).")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots",
                    help="dossier des captures (défaut : build/screenshots, ignoré par git)")
    ap.add_argument("--only", choices=sorted(TESTS), default="all",
                    help="desktop (1440 px), phone (390 px) ou all (défaut)")
    args = ap.parse_args(argv)
    out = args.out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ESHOPPYE_SCREENSHOTS=str(out))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_browser.py")]
    if TESTS[args.only]:
        cmd += ["-k", TESTS[args.only]]
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    shots = sorted(out.glob("*.png"))
    print(f"\n{len(shots)} capture(s) dans {out} :")
    for p in shots:
        print(f"  {p.name}  ({p.stat().st_size // 1024} Ko)")
    timings = out / "timings.json"
    if timings.is_file():
        print("temps mesurés dans le navigateur (s) :")
        for k, v in json.loads(timings.read_text(encoding="utf-8")).items():
            print(f"  {k:<40} {v}")
    if code:
        print(f"les tests navigateur ont échoué (code {code}) : captures peut-être incomplètes", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
