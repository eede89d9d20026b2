"""The `luoshi` command. `luoshi parse FILE` turns a work-plan document into a task tree."""

from __future__ import annotations

import argparse
import io
import logging
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from luoshi.plandoc import PlanDocError, parse
from luoshi.plandoc.export import to_csv, to_json, to_markdown, to_xlsx

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi", description="Luoshi (落实): work plans into supervision.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse a plan document (txt, html, docx, pdf, xlsx, csv) into a task tree")
    p.add_argument("file", help="the document; '-' reads standard input")
    p.add_argument("--format", choices=("json", "xlsx", "csv", "md"), default="json")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p.add_argument("--units", help="unit directory (CSV or YAML) replacing the built-in Dalian one")
    p.add_argument("--max-mb", type=float, default=50.0, help="refuse files larger than this (default 50)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.debug:
        _silence_libraries()
    try:
        return _parse_command(args)
    except PlanDocError as exc:
        print(f"luoshi: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `luoshi parse … | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"luoshi: 无法读写文件: {exc.strerror or exc}: "
              f"{exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if args.debug:
            raise
        print(f"luoshi: 内部错误: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def _silence_libraries() -> None:
    """Standard error is for the one-line messages below: without a handler of its own, a library's
    log record ("EOF marker not found" from the PDF reader) or warning would print there too."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
    warnings.simplefilter("ignore")


def _parse_command(args: argparse.Namespace) -> int:
    max_bytes = int(args.max_mb * 1024 * 1024)
    if args.file == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        plan = parse(data, units=args.units, max_bytes=max_bytes)
    else:
        path = Path(args.file)
        if path.is_dir():
            raise PlanDocError(f"这是文件夹，不是文件: {args.file}")
        if not path.is_file():
            raise PlanDocError(f"找不到文件: {args.file}")
        plan = parse(path, units=args.units, max_bytes=max_bytes)
    if args.format == "xlsx":
        buffer = io.BytesIO()
        to_xlsx(plan, buffer)
        payload: bytes = buffer.getvalue()
    else:
        text = {"json": to_json, "csv": to_csv, "md": to_markdown}[args.format](plan)
        payload = text.encode("utf-8")
    if args.output:
        Path(args.output).write_bytes(payload)
    else:
        sys.stdout.buffer.write(payload)
        if args.format != "xlsx" and not payload.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    for warning in plan.warnings:
        print(f"luoshi: 提示: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
