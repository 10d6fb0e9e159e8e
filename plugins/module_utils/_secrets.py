# -*- coding: utf-8 -*-
# Copyright: (c) 2025, cloudops.drs contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one secret rule: which keys hold secrets, how replies lose them, and which values must never be printed."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# A key is secret when its lower-case name is listed here, ends in ``_key`` (ssl_cert_key, secret_key, ...) or
# contains one of the parts.
SECRET_KEY_NAMES = frozenset(('sk', 'sslcertkey'))
SECRET_KEY_PARTS = ('password', 'passwd', 'secret', 'token', 'private')


def is_secret_key(name):
    lowered = str(name).lower()
    return lowered in SECRET_KEY_NAMES or lowered.endswith('_key') or any(part in lowered for part in SECRET_KEY_PARTS)


def redact_secrets(value):
    """Return a copy of ``value`` without any dict key that ``is_secret_key()`` calls secret, at any depth."""
    if isinstance(value, dict):
        return dict((key, redact_secrets(item)) for key, item in value.items() if not is_secret_key(key))
    if isinstance(value, list):
        return [redact_secrets(item) for item in value]
    return value


def secret_values(value):
    """The string values stored under secret keys of a (nested) dict: what a module adds to its no_log values."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(key) and isinstance(item, str) and item:
                found.append(item)
            else:
                found.extend(secret_values(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(secret_values(item))
    return found
