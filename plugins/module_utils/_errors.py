# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Exceptions raised by the DRS client.

Every exception carries the same six attributes (``None`` where unknown) so that a module can turn
any of them into ``fail_json(msg=str(e), error=e.to_dict())``. ``str(e)`` is the user-facing message;
the client scrubs every secret it knows from messages before it raises.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


ERROR_FIELDS = ("status", "error_code", "error_msg", "request_id", "method", "url")


class DrsError(Exception):
    """Base class. ``str(e)`` is the message for the user and never contains secrets."""

    def __init__(self, message, status=None, error_code=None, error_msg=None, request_id=None, method=None, url=None):
        super(DrsError, self).__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.method = method
        self.url = url

    def __str__(self):
        return self.message

    def to_dict(self):
        """The error details a module returns as ``error``: status, error_code, error_msg, request_id, method, url."""
        return dict((field, getattr(self, field)) for field in ERROR_FIELDS)


class DrsConfigError(DrsError):
    """Bad, missing or conflicting options. Raised before any request is sent (or when a look-up proves them wrong)."""


class DrsApiError(DrsError):
    """An HTTP request to IAM or DRS failed (after the retries the client is allowed to make)."""


class DrsTimeoutError(DrsError):
    """The caller's deadline was reached.

    ``pending`` lists the job ids that were still outstanding and ``last_seen`` maps job id to the last item
    seen for it (may be empty). The HTTP attributes describe the last failed request, if there was one.
    """

    def __init__(self, message, pending=None, last_seen=None, **kwargs):
        super(DrsTimeoutError, self).__init__(message, **kwargs)
        self.pending = list(pending or [])
        self.last_seen = dict(last_seen or {})
