"""Send reminders (催办) due today: once, or in a loop (the healthchecks `sendalerts` shape).

    manage.py send_reminders --once              # from cron / a systemd timer
    manage.py send_reminders --interval 600      # a long-running process; SIGTERM/SIGINT end it cleanly
    manage.py send_reminders --once --date 2019-07-03 --before-days 3

Each pass is idempotent (reminders are claimed before they are sent), so the loop and cron may overlap.
E-mails the mail server did not take are counted ("e-mails failed"), shown as 未发送 on the reminder list
and retried by the next pass; the command then exits non-zero (for a loop: when its last pass had failures).
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.reports.reminders import BEFORE_DUE_DAYS, OVERDUE_WINDOW_DAYS, reminders_sweep


class Command(BaseCommand):
    help = "Send the reminders due today (before the due day and overdue), once or in a loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one sweep and exit.")
        parser.add_argument("--interval", type=int, default=300, help="Seconds between sweeps in loop mode.")
        parser.add_argument("--date", help="Sweep as if today were YYYY-MM-DD (only with --once).")
        parser.add_argument("--before-days", type=int, default=BEFORE_DUE_DAYS,
                            help="Days before the due day when the first reminder goes out.")
        parser.add_argument("--overdue-window", type=int, default=OVERDUE_WINDOW_DAYS,
                            help="Chase overdue periods due at most this many days ago.")

    def on_signal(self, *args: Any) -> None:
        self.stdout.write("received a stop signal, finishing the current sweep...")
        self.shutdown = True

    def handle(self, *args: Any, **options: Any) -> str:
        today = self._date(options["date"], once=options["once"])
        if options["interval"] < 1 or options["before_days"] < 0 or options["overdue_window"] < 0:
            raise CommandError("--interval must be >= 1; --before-days and --overdue-window must be >= 0.")
        self.shutdown = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self.on_signal)
            signal.signal(signal.SIGINT, self.on_signal)
            self.stdout.write("send_reminders is now running")
        claimed = emails = 0
        failed = failed_reminders = 0  # of the last pass: the next pass retries them
        while not self.shutdown:
            result = reminders_sweep(today=today, before_days=options["before_days"],
                                     overdue_window=options["overdue_window"])
            claimed += result.claimed
            emails += result.emails
            failed, failed_reminders = result.failed, result.failed_reminders
            if result.claimed or result.retried or result.failed or options["once"]:
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} reminders: {result.claimed} "
                                  f"({result.by_kind}), units: {result.units}, e-mails: {result.emails}, "
                                  f"notifications: {result.notifications}, retried: {result.retried}, "
                                  f"e-mails failed: {result.failed}")
            if options["once"]:
                break
            self._sleep(options["interval"])
        if failed:
            raise CommandError(f"{failed} reminder e-mail(s) ({failed_reminders} reminder(s)) could not be sent; "
                               "the next run retries them.")
        return f"Sent {claimed} reminder(s) in {emails} e-mail(s)."

    def _date(self, raw: str | None, *, once: bool) -> dt.date | None:
        if raw is None:
            return None
        if not once:
            raise CommandError("--date only makes sense with --once.")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}.") from None

    def _sleep(self, seconds: int) -> None:
        # Short naps, so a stop signal is honoured within a second.
        deadline = time.monotonic() + seconds
        while not self.shutdown and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))
