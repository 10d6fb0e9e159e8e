# -*- coding: utf-8 -*-
# Copyright: contributors to the cloudops.drs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which credentials to use, and where DRS and IAM live.

:func:`resolve_auth` turns the module options (plus environment variables and clouds.yaml) into one
:class:`AuthConfig`, or raises one :class:`DrsConfigError` that names the options to set. No request is
sent here; :class:`DrsClient.connect` does the IAM calls.

Which credentials win (the first that applies):

1. credential options given explicitly: ``auth_token`` > ``access_key``/``secret_key`` (+ ``security_token``) >
   ``username``/``password`` (+ ``domain_name`` and ``project_name`` or ``project_id``);
2. an explicit ``cloud`` (a clouds.yaml entry name, or a dict shaped like an entry);
3. credentials from the environment, in the same order (``OS_AUTH_TOKEN``; ``OS_ACCESS_KEY``/``OS_SECRET_KEY``,
   ``HUAWEICLOUD_SDK_AK``/``_SK``; ``OS_USERNAME``/``OS_PASSWORD``);
4. ``OS_CLOUD``.

The target (project and region) follows one rule, whatever the credentials: what the task says (its options,
including a role's per-host variables and the entry of a ``cloud`` named on the task) beats the environment, which
beats the ``OS_CLOUD`` entry of clouds.yaml. The project is decided as a whole: ``project_id`` and ``project_name``
come from the highest of these layers that sets either of them, so an ``OS_PROJECT_ID`` in the environment never
overrides a ``project_name`` given on the task. The region is taken per option, except that a project name of the
form ``<region>[_<sub-project>]`` chosen at a higher layer than the region names the region. ``AuthConfig.sources``
says where each of ``project_id``, ``project_name`` and ``region`` came from (``task``, ``env``, ``cloud`` or
``project_name``; the client adds ``iam`` for values it learns from IAM).

Every other value (auth_url, domain, endpoint, and the missing half of the chosen credentials) is taken per
option: the explicit option, else the selected clouds.yaml entry, else the environment (when the credentials come
from a clouds.yaml entry, these are not read from the environment).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re

from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    yaml = None
    HAS_YAML = False


# Options the modules' argument spec declares for authentication and endpoint selection.
AUTH_OPTION_NAMES = (
    "auth_token", "access_key", "secret_key", "security_token",
    "username", "password", "domain_name", "project_name", "project_id",
    "auth_url", "region", "cloud", "endpoint",
)

# Environment variables read for an option that was not given (first one set wins).
ENV_FALLBACKS = {
    "auth_token": ("OS_AUTH_TOKEN",),
    "access_key": ("OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"),
    "secret_key": ("OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"),
    "security_token": ("OS_SECURITY_TOKEN", "HW_SECURITY_TOKEN"),
    "username": ("OS_USERNAME",),
    "password": ("OS_PASSWORD",),
    "domain_name": ("OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"),
    "project_name": ("OS_PROJECT_NAME",),
    "project_id": ("OS_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"),
    "auth_url": ("OS_AUTH_URL",),
    "region": ("OS_REGION_NAME", "HW_REGION_NAME"),
    "cloud": ("OS_CLOUD",),
    # The clouds.yaml key drs_endpoint_override, spelled the way openstacksdk maps OS_* variables onto such keys.
    "endpoint": ("OS_DRS_ENDPOINT_OVERRIDE",),
}

SECRET_OPTION_NAMES = ("auth_token", "secret_key", "security_token", "password")

# Credential options per method, in precedence order.
METHODS = (
    ("token", ("auth_token",)),
    ("aksk", ("access_key", "secret_key", "security_token")),
    ("password", ("username", "password")),
)

OTC_REGIONS = ("eu-de", "eu-nl")
# Regions of the Huawei Cloud DRS v3 SDK (huaweicloudsdkdrs DrsRegion, 3.1.219).
HUAWEI_REGIONS = (
    "af-north-1", "af-south-1", "ae-ad-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "cn-east-2", "cn-east-3", "cn-east-4", "cn-east-5", "cn-north-1", "cn-north-2", "cn-north-4",
    "cn-north-9", "cn-north-11", "cn-north-12", "cn-south-1", "cn-south-2", "cn-south-4", "cn-southwest-2",
    "cn-southwest-3", "eu-west-0", "eu-west-101", "la-north-2", "la-south-2", "me-east-1", "my-kualalumpur-1",
    "na-mexico-1", "ru-moscow-1", "ru-northwest-2", "sa-brazil-1", "tr-west-1",
)
# Huawei regions whose hosts live under a different domain.
HUAWEI_REGION_DOMAINS = {"eu-west-101": "myhuaweicloud.eu"}

CLOUDS_FILE_NAMES = ("clouds.yaml", "clouds.yml", "clouds.json")
SECURE_FILE_NAMES = ("secure.yaml", "secure.yml", "secure.json")

_CATALOG_PLACEHOLDERS = ("$(tenant_id)s", "%(tenant_id)s", "$(project_id)s", "%(project_id)s")


def region_profile(region):
    """``"otc"`` for Open Telekom Cloud regions, ``"hw"`` for Huawei Cloud regions, ``None`` when unknown."""
    if region in OTC_REGIONS:
        return "otc"
    if region in HUAWEI_REGIONS:
        return "hw"
    return None


def _service_url(service, region):
    profile = region_profile(region)
    if profile == "otc":
        return "https://%s.%s.otc.t-systems.com" % (service, region)
    if profile == "hw":
        return "https://%s.%s.%s" % (service, region, HUAWEI_REGION_DOMAINS.get(region, "myhuaweicloud.com"))
    return None


def default_drs_endpoint(region):
    """The public DRS endpoint of a known region, or ``None``."""
    return _service_url("drs", region)


def default_auth_url(region):
    """The IAM v3 URL of a known region (``https://iam.{region}...../v3``), or ``None``."""
    url = _service_url("iam", region)
    return url + "/v3" if url else None


def normalize_auth_url(url):
    """Add ``https://`` when no scheme is given, drop trailing slashes and make the URL end in ``/v3``."""
    url = str(url).strip()
    if "://" not in url:
        url = "https://" + url
    url = url.rstrip("/")
    if not re.search(r"/v3$", url):
        url += "/v3"
    return url


def normalize_endpoint(url, project_id=None):
    """The DRS base URL: placeholders replaced, no trailing ``/``, no trailing ``/v3`` or ``/v3/<project>``."""
    url = str(url).strip()
    if "://" not in url:
        url = "https://" + url
    for placeholder in _CATALOG_PLACEHOLDERS:
        if placeholder in url:
            url = url.replace(placeholder, project_id or "")
    url = url.rstrip("/")
    url = re.sub(r"/v3(/[0-9A-Za-z_-]*)?$", "", url)
    return url.rstrip("/")


def endpoint_from_catalog(catalog, region=None, project_id=None, service_type="drs"):
    """The base URL of the ``drs`` entry of a token catalog, matched to ``region`` (or ``None``).

    Public endpoints only; an endpoint whose region is ``*`` matches any region. With no region known the first public
    endpoint is used.
    """
    for service in catalog if isinstance(catalog, list) else ():
        if not isinstance(service, dict) or service.get("type") != service_type:
            continue
        fallback = None
        endpoints = service.get("endpoints")
        for endpoint in endpoints if isinstance(endpoints, list) else ():
            if not isinstance(endpoint, dict) or not endpoint.get("url") or not isinstance(endpoint["url"], str):
                continue
            if endpoint.get("interface") not in (None, "public"):
                continue
            regions = (endpoint.get("region"), endpoint.get("region_id"))
            if region and region in regions:
                return normalize_endpoint(endpoint["url"], project_id)
            if fallback is None and (not region or "*" in regions):
                fallback = endpoint["url"]
        if fallback:
            return normalize_endpoint(fallback, project_id)
    return None


class AuthConfig(object):
    """The resolved authentication settings. ``repr()`` never shows a secret (or the access key)."""

    _PUBLIC = ("method", "source", "cloud_name", "region", "project_id", "project_name", "auth_url", "endpoint",
               "username", "domain_name", "domain_id", "sources")
    _FIELDS = _PUBLIC + ("access_key", "auth_token", "secret_key", "security_token", "password",
                         "verify", "ca_cert", "client_cert", "client_key")

    def __init__(self, method, **kwargs):
        self.method = method
        for name in self._FIELDS[1:]:
            setattr(self, name, kwargs.pop(name, None))
        if kwargs:
            raise TypeError("unknown AuthConfig fields: %s" % ", ".join(sorted(kwargs)))

    @property
    def profile(self):
        """``"otc"``, ``"hw"`` or ``None`` (unknown region)."""
        return region_profile(self.region)

    def secret_values(self):
        """The secret strings of this config (for scrubbing messages)."""
        return [value for value in (self.auth_token, self.secret_key, self.security_token, self.password) if value]

    def __repr__(self):
        shown = ["%s=%r" % (name, getattr(self, name)) for name in self._PUBLIC if getattr(self, name) is not None]
        for name in ("access_key",) + SECRET_OPTION_NAMES:
            if getattr(self, name):
                shown.append("%s=<set>" % name)
        return "AuthConfig(%s)" % ", ".join(shown)

    __str__ = __repr__


# ---------------------------------------------------------------------------------------------------------------
# clouds.yaml


def _load_data_file(path):
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise DrsConfigError("cannot read %s: %s" % (path, exc))
    try:
        if path.endswith(".json"):
            data = json.loads(text)
        else:
            if not HAS_YAML:
                raise DrsConfigError("reading %s needs the PyYAML Python library" % path)
            data = yaml.safe_load(text)
    except DrsConfigError:
        raise
    except Exception as exc:  # ValueError (JSON), yaml.YAMLError and friends
        # never the parser's text: it quotes the offending line, which may hold a password
        raise DrsConfigError("cannot parse %s%s: %s" % (path, _parse_position(exc), type(exc).__name__))
    return data if isinstance(data, dict) else {}


def _parse_position(exc):
    """`` at line L, column C`` of a parse error (1-based), or '' when the parser gives none."""
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (getattr(exc, "lineno", None), getattr(exc, "colno", None))
    return " at line %s, column %s" % (line, column) if line else ""


def config_dirs(environ, extra_dirs=()):
    """The directories searched for clouds.yaml and secure.yaml, in order, as absolute paths without duplicates.

    ``extra_dirs`` (the ``config_dirs`` option; under ``ansible-playbook`` the collection's action plugin sets it to
    the directory the command was started from and the playbook's directory) come first, then the module's current
    directory, ``~/.config/openstack`` and ``/etc/openstack``.
    """
    home = environ.get("HOME") or os.path.expanduser("~")
    dirs = []
    for directory in list(extra_dirs or ()) + [os.getcwd(), os.path.join(home, ".config", "openstack"), "/etc/openstack"]:
        directory = os.path.abspath(os.path.expanduser(str(directory)))
        if directory not in dirs:
            dirs.append(directory)
    return dirs


def clouds_file_candidates(environ, extra_dirs=()):
    """The clouds.yaml paths searched, in order: ``OS_CLIENT_CONFIG_FILE``, then each of :func:`config_dirs`."""
    paths = [environ["OS_CLIENT_CONFIG_FILE"]] if environ.get("OS_CLIENT_CONFIG_FILE") else []
    for directory in config_dirs(environ, extra_dirs):
        paths.extend(os.path.join(directory, name) for name in CLOUDS_FILE_NAMES)
    return paths


def secure_file_candidates(environ, extra_dirs=()):
    """The secure.yaml paths searched (merged into the clouds.yaml entry): ``OS_CLIENT_SECURE_FILE``, then the
    directory of ``OS_CLIENT_CONFIG_FILE`` (openstacksdk looks for secure.yaml beside it), then :func:`config_dirs`."""
    paths = [environ["OS_CLIENT_SECURE_FILE"]] if environ.get("OS_CLIENT_SECURE_FILE") else []
    dirs = config_dirs(environ, extra_dirs)
    if environ.get("OS_CLIENT_CONFIG_FILE"):
        beside = os.path.dirname(os.path.abspath(environ["OS_CLIENT_CONFIG_FILE"]))
        dirs = [beside] + [directory for directory in dirs if directory != beside]
    for directory in dirs:
        paths.extend(os.path.join(directory, name) for name in SECURE_FILE_NAMES)
    return paths


def _merge(base, extra):
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_cloud(cloud, environ, extra_dirs=()):
    """Return ``(name, entry)`` for ``cloud``: a clouds.yaml entry name, or a dict shaped like an entry."""
    if isinstance(cloud, dict):
        return None, cloud
    name = str(cloud)
    searched = []
    entry = None
    for path in clouds_file_candidates(environ, extra_dirs):
        if not os.path.isfile(path):
            continue
        searched.append(path)
        clouds = _load_data_file(path).get("clouds") or {}
        if isinstance(clouds, dict) and isinstance(clouds.get(name), dict):
            entry = clouds[name]
            break
    if entry is None:
        looked = ([environ["OS_CLIENT_CONFIG_FILE"]] if environ.get("OS_CLIENT_CONFIG_FILE") else []) + config_dirs(environ, extra_dirs)
        if searched:
            where = "not in %s (searched %s)" % (", ".join(searched), ", ".join(looked))
        else:
            where = "no clouds.yaml found (searched %s)" % ", ".join(looked)
        raise DrsConfigError("cloud '%s' is not defined: %s. Set cloud to a defined entry (or a dict), set OS_CLIENT_CONFIG_FILE, "
                             "or use auth_token, access_key+secret_key or username+password instead" % (name, where))
    for path in secure_file_candidates(environ, extra_dirs):
        if os.path.isfile(path):
            secure = (_load_data_file(path).get("clouds") or {}).get(name)
            if isinstance(secure, dict):
                entry = _merge(entry, secure)
            break
    return name, entry


def _first(*values):
    for value in values:
        if value is not None and value != "":
            return value
    return None


def _flatten_cloud(entry):
    """Map a clouds.yaml entry onto the option names."""
    auth = entry.get("auth") if isinstance(entry.get("auth"), dict) else {}
    regions = entry.get("regions")
    first_region = None
    if isinstance(regions, list) and regions:
        first_region = regions[0].get("name") if isinstance(regions[0], dict) else regions[0]
    auth_type = str(entry.get("auth_type") or "")
    flat = {
        "auth_url": _first(auth.get("auth_url"), entry.get("auth_url")),
        "username": _first(auth.get("username"), auth.get("user_name")),
        "password": auth.get("password"),
        "domain_name": _first(auth.get("user_domain_name"), auth.get("domain_name"), auth.get("project_domain_name")),
        "domain_id": _first(auth.get("user_domain_id"), auth.get("domain_id"), auth.get("project_domain_id")),
        "project_name": _first(auth.get("project_name"), auth.get("tenant_name")),
        "project_id": _first(auth.get("project_id"), auth.get("tenant_id")),
        "auth_token": auth.get("token") if auth_type in ("", "token", "v3token", "admin_token") else None,
        "access_key": _first(entry.get("ak"), entry.get("access_key"), auth.get("ak"), auth.get("access_key")),
        "secret_key": _first(entry.get("sk"), entry.get("secret_key"), auth.get("sk"), auth.get("secret_key")),
        "security_token": _first(entry.get("security_token"), entry.get("token"), auth.get("security_token")),
        "region": _first(entry.get("region_name"), entry.get("region"), first_region),
        "endpoint": _first(entry.get("drs_endpoint_override"), entry.get("endpoint")),
        "verify": entry.get("verify"),
        "ca_cert": _first(entry.get("cacert"), entry.get("ca_cert")),
        "client_cert": _first(entry.get("cert"), entry.get("client_cert")),
        "client_key": _first(entry.get("key"), entry.get("client_key")),
    }
    return dict((key, value if isinstance(value, bool) or value is None else str(value)) for key, value in flat.items())


# ---------------------------------------------------------------------------------------------------------------
# resolve_auth


def _present_method(values):
    for method, names in METHODS:
        if any(values.get(name) for name in names):
            return method
    return None


def _env_values(environ):
    values = {}
    for option, names in ENV_FALLBACKS.items():
        for name in names:
            if environ.get(name):
                values[option] = environ[name]
                break
    return values


def _hint(option):
    names = ENV_FALLBACKS.get(option)
    return "%s (env %s)" % (option, " or ".join(names)) if names else option


def _and(words):
    words = list(words)
    return words[0] if len(words) == 1 else "%s and %s" % (", ".join(words[:-1]), words[-1])


NO_CREDENTIALS_MESSAGE = ("no credentials: set one of auth_token, access_key+secret_key, username+password+domain_name "
                          "(with project_name or project_id), or cloud (or their environment variables OS_AUTH_TOKEN, "
                          "OS_ACCESS_KEY/OS_SECRET_KEY, OS_USERNAME/OS_PASSWORD/OS_USER_DOMAIN_NAME, OS_CLOUD)")


def resolve_auth(params, environ=None):
    """Resolve the options in ``params`` (module parameters) into an :class:`AuthConfig`.

    ``environ`` defaults to ``os.environ``; pass ``{}`` to ignore the environment. Raises :class:`DrsConfigError`
    (one message naming what to set) when credentials are missing, incomplete or contradictory.
    """
    environ = os.environ if environ is None else environ
    explicit = dict((name, params.get(name)) for name in AUTH_OPTION_NAMES if params.get(name) not in (None, ""))
    env = _env_values(environ)

    cloud_ref = explicit.get("cloud")
    method = _present_method(explicit)
    if method:
        source = "options"
    elif cloud_ref is not None:
        source = "cloud"
    else:
        method = _present_method(env)
        if method:
            source = "env"
        elif env.get("cloud"):
            source = "cloud"
            cloud_ref = env["cloud"]
        else:
            raise DrsConfigError(NO_CREDENTIALS_MESSAGE)

    cloud_name, cloud = None, {}
    if cloud_ref is not None:
        cloud_name, entry = load_cloud(cloud_ref, environ, params.get("config_dirs") or ())
        cloud = _flatten_cloud(entry)
    label = "cloud '%s'" % cloud_name if cloud_name else "the cloud dict"
    if source == "cloud":
        method = _present_method(cloud)
        if not method:
            raise DrsConfigError("%s has no credentials: give it auth.token, ak+sk (or access_key+secret_key), or "
                                 "auth.username+auth.password+auth.user_domain_name with a project" % label)

    def pick(name):
        if explicit.get(name) is not None:
            return explicit[name]
        if cloud.get(name) is not None:
            return cloud[name]
        if source != "cloud":
            return env.get(name)
        return None

    values = dict((name, pick(name)) for name in AUTH_OPTION_NAMES if name != "cloud")
    for other, names in METHODS:  # only the chosen method's credentials are kept
        if other != method:
            for name in names:
                values[name] = None
    values["domain_id"] = None if explicit.get("domain_name") else cloud.get("domain_id")
    sources = _pick_target(values, explicit, env, cloud, task_cloud=explicit.get("cloud") is not None)

    problems = _check_credentials(method, values, source, label)
    if problems:
        raise DrsConfigError("; ".join(problems))
    _check_endpoints(method, values)

    auth_url = values["auth_url"] or default_auth_url(values["region"])
    config = AuthConfig(
        method, source=source, cloud_name=cloud_name,
        region=values["region"], project_id=values["project_id"], project_name=values["project_name"],
        auth_url=normalize_auth_url(auth_url) if auth_url else None,
        endpoint=normalize_endpoint(values["endpoint"], values["project_id"]) if values["endpoint"] else None,
        username=values["username"], domain_name=values["domain_name"], domain_id=values["domain_id"],
        access_key=values["access_key"], auth_token=values["auth_token"], secret_key=values["secret_key"],
        security_token=values["security_token"], password=values["password"],
        verify=cloud.get("verify"), ca_cert=cloud.get("ca_cert"), client_cert=cloud.get("client_cert"),
        client_key=cloud.get("client_key"), sources=sources,
    )
    return config


def _pick_target(values, explicit, env, cloud, task_cloud):
    """Decide the project (id and name together) and the region by the layers task > env > OS_CLOUD entry.

    Sets ``values["project_id"]``, ``values["project_name"]`` and ``values["region"]``; returns where each came
    from (``task``, ``env``, ``cloud``, ``project_name`` or ``None``). The entry of a cloud named on the task counts
    as part of the task (below its own options).
    """
    if task_cloud:
        layers = (("task", explicit), ("cloud", cloud), ("env", env))
    else:
        layers = (("task", explicit), ("env", env), ("cloud", cloud))
    rank = dict((name, index) for index, (name, _layer) in enumerate(layers))
    sources = {"project_id": None, "project_name": None, "region": None}
    values["project_id"] = values["project_name"] = values["region"] = None
    for name, layer in layers:
        if layer.get("project_id") or layer.get("project_name"):
            for key in ("project_id", "project_name"):
                if layer.get(key):
                    values[key], sources[key] = layer[key], name
            break
    for name, layer in layers:
        if layer.get("region"):
            values["region"], sources["region"] = layer["region"], name
            break
    if values["project_name"]:
        # Open Telekom Cloud project names are "<region>" or "<region>_<sub-project>".
        candidate = values["project_name"].split("_", 1)[0]
        project_rank = rank[sources["project_name"]]
        if region_profile(candidate) and (not values["region"] or project_rank < rank[sources["region"]]):
            values["region"], sources["region"] = candidate, "project_name"
    return sources


def _check_credentials(method, values, source, label):
    def name_of(option):
        return option if source != "cloud" else "%s in %s" % (option, label)

    def ask(option):
        return _hint(option) if source != "cloud" else "%s in %s" % (option, label)

    problems = []
    if method == "aksk":
        have = [name for name in ("access_key", "secret_key") if values.get(name)]
        missing = [name for name in ("access_key", "secret_key") if not values.get(name)]
        if missing:
            if have:
                problems.append("%s is set but %s is missing: set %s" % (
                    name_of(have[0]), missing[0], ask(missing[0])))
            else:
                problems.append("security_token is set but access_key and secret_key are missing: set %s and %s"
                                % (ask("access_key"), ask("secret_key")))
        elif not values.get("project_id") and not (values.get("project_name") or values.get("region")):
            problems.append("access_key+secret_key auth needs a project: set project_id, project_name or region")
    elif method == "password":
        have = [name for name in ("username", "password") if values.get(name)]
        missing = [name for name in ("username", "password") if not values.get(name)]
        if not values.get("domain_name") and not values.get("domain_id"):
            missing.append("domain_name")
        if missing:
            problems.append("%s %s set but %s %s missing: set %s" % (
                _and(name_of(name) for name in have), "is" if len(have) == 1 else "are",
                _and(missing), "is" if len(missing) == 1 else "are", _and(ask(name) for name in missing)))
        elif not (values.get("project_id") or values.get("project_name") or values.get("region")):
            problems.append("username+password auth needs a project: set %s, %s or region" % (
                _hint("project_name"), _hint("project_id")))
    elif method == "token":
        if not values.get("project_id") and not (values.get("auth_url") or default_auth_url(values.get("region"))):
            problems.append("auth_token needs project_id, or auth_url (or a known region) to read the project from the token")
    return problems


def _check_endpoints(method, values):
    region = values.get("region")
    has_auth_url = bool(values.get("auth_url") or default_auth_url(region))
    if values.get("endpoint") or default_drs_endpoint(region):
        endpoint_known = True
    else:
        endpoint_known = False
    if method == "aksk":
        if not endpoint_known:
            raise DrsConfigError(_unknown_region(region, "endpoint"))
        if not values.get("project_id") and not has_auth_url:
            raise DrsConfigError("access_key+secret_key auth without project_id looks the project up in IAM: "
                                 "set project_id, or auth_url, or a known region")
    elif method == "password":
        if not has_auth_url:
            raise DrsConfigError(_unknown_region(region, "auth_url"))
    elif method == "token":
        if not endpoint_known and not has_auth_url:
            raise DrsConfigError(_unknown_region(region, "endpoint"))


def _unknown_region(region, option):
    if region:
        return "unknown region '%s': set %s" % (region, option)
    return "no region: set region (env OS_REGION_NAME) or %s" % option
