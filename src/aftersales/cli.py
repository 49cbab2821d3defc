"""The `aftersales` console script: Django's management commands under one name.

`aftersales serve`, `aftersales demo`, ... are the commands in cases/management/commands; any
other name is Django's own (`aftersales migrate`, `aftersales createsuperuser`, `aftersales shell`).
"""

from __future__ import annotations

import os
import sys

# Ours, in the order a newcomer meets them.
COMMANDS = ("serve", "demo", "worker", "sweep", "import", "createuser", "token", "bench", "simulate", "connector",
            "classify", "classify_bench", "retrain")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    if argv and argv[0] in ("classify", "classify_bench"):   # no Django setup: the first answer in well under 1 s
        from aftersales.assist.cli import main as assist_main

        assist_main(argv)
    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print(usage())
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aftersales", *argv])


def usage() -> str:
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    available = get_commands()
    lines = ["usage: aftersales COMMAND [options]    (aftersales COMMAND --help for its options)", "",
             "After-sales operations for Douyin shop, TikTok Shop, Taobao/Tmall and own web stores.", "",
             "Commands:"]
    for name in COMMANDS:
        if name not in available:
            continue
        text = load_command_class(available[name], name).help.strip().splitlines()[0]
        lines.append(f"  {name:<12} {text}")
    lines += ["", "Django's own commands work too: aftersales migrate, aftersales createsuperuser, "
                  "aftersales shell, ... (aftersales help --commands lists them all).",
              "Settings come from the environment: AFTERSALES_HOME (default ./var), DATABASE_URL, REDIS_URL, "
              "... (docs/SETTINGS.md)."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
