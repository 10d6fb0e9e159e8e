"""resolve_auth(): precedence, environment fallbacks, clouds.yaml, messages; and the endpoint rules."""

import json

import pytest
import yaml

from ansible_collections.cloudops.drs.plugins.module_utils._auth import (
    AUTH_OPTION_NAMES,
    default_auth_url,
    default_drs_endpoint,
    endpoint_from_catalog,
    normalize_auth_url,
    normalize_endpoint,
    resolve_auth,
)
from ansible_collections.cloudops.drs.plugins.module_utils._errors import DrsConfigError

PID = "054ba152d480d55b2f5dc0069e7ddef0"
PASSWORD_OPTIONS = dict(username="drs-operator", password="Pa55-secret", domain_name="OTC0001", project_name="eu-de")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No clouds.yaml of the machine running the tests is ever read: HOME and the cwd point at empty dirs."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    return home


def params(**values):
    out = dict((name, None) for name in AUTH_OPTION_NAMES)
    out.update(values)
    return out


def write_clouds(path, clouds, secure=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"clouds": clouds}))
    if secure is not None:
        (path.parent / "secure.yaml").write_text(yaml.safe_dump({"clouds": secure}))
    return path


# ---- precedence


def test_auth_token_beats_every_other_method():
    auth = resolve_auth(params(auth_token="tok", access_key="AK", secret_key="SK", project_id=PID, region="eu-de",
                               **PASSWORD_OPTIONS), {})
    assert auth.method == "token"
    assert auth.auth_token == "tok"
    assert auth.secret_key is None and auth.password is None


def test_access_keys_beat_password():
    auth = resolve_auth(params(access_key="AK", secret_key="SK", region="eu-de", **PASSWORD_OPTIONS), {})
    assert auth.method == "aksk"
    assert (auth.access_key, auth.secret_key, auth.password) == ("AK", "SK", None)


def test_password_beats_cloud(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml", {"otc": {"ak": "AK", "sk": "SK", "region_name": "eu-de"}})
    auth = resolve_auth(params(cloud="otc", **PASSWORD_OPTIONS), {})
    assert auth.method == "password"
    assert auth.auth_url == "https://iam.eu-de.otc.t-systems.com/v3"


def test_security_token_comes_with_access_keys():
    auth = resolve_auth(params(access_key="AK", secret_key="SK", security_token="ST", project_id=PID, region="eu-nl"), {})
    assert auth.method == "aksk" and auth.security_token == "ST"


# ---- environment


def test_environment_supplies_credentials_when_no_option_is_given():
    env = {"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_USER_DOMAIN_NAME": "d", "OS_PROJECT_NAME": "eu-nl",
           "OS_AUTH_URL": "https://iam.example.com/v3", "OS_REGION_NAME": "eu-nl"}
    auth = resolve_auth(params(), env)
    assert auth.method == "password" and auth.source == "env"
    assert (auth.username, auth.domain_name, auth.project_name, auth.region) == ("u", "d", "eu-nl", "eu-nl")
    assert auth.auth_url == "https://iam.example.com/v3"


def test_endpoint_comes_from_os_drs_endpoint_override_when_the_option_is_not_set():
    env = {"OS_ACCESS_KEY": "ENVAK", "OS_SECRET_KEY": "ENVSK", "OS_PROJECT_ID": PID,
           "OS_DRS_ENDPOINT_OVERRIDE": "http://127.0.0.1:8080/v3/" + PID}
    assert resolve_auth(params(), env).endpoint == "http://127.0.0.1:8080"
    assert resolve_auth(params(endpoint="https://drs.example.test"), env).endpoint == "https://drs.example.test"


def test_empty_environment_variables_count_as_unset():
    # AWX renders an optional credential input that was left empty as an empty string.
    env = {"OS_ACCESS_KEY": "ENVAK", "OS_SECRET_KEY": "ENVSK", "OS_SECURITY_TOKEN": "", "OS_PROJECT_ID": PID,
           "OS_REGION_NAME": "eu-de", "OS_DRS_ENDPOINT_OVERRIDE": "", "OS_USERNAME": "", "OS_AUTH_TOKEN": ""}
    auth = resolve_auth(params(), env)
    assert auth.method == "aksk" and auth.security_token is None
    assert auth.endpoint is None and auth.region == "eu-de"


def test_explicit_credentials_beat_a_higher_ranked_method_from_the_environment():
    env = {"OS_AUTH_TOKEN": "env-token", "OS_ACCESS_KEY": "ENVAK", "OS_SECRET_KEY": "ENVSK"}
    auth = resolve_auth(params(region="eu-de", **PASSWORD_OPTIONS), env)
    assert auth.method == "password"
    assert auth.auth_token is None and auth.access_key is None


def test_explicit_option_beats_the_same_variable_and_env_completes_the_chosen_method():
    env = {"OS_ACCESS_KEY": "ENVAK", "OS_SECRET_KEY": "ENVSK", "OS_REGION_NAME": "eu-nl", "OS_PROJECT_ID": "envproject"}
    auth = resolve_auth(params(access_key="AK", region="eu-de"), env)
    assert (auth.access_key, auth.secret_key, auth.region, auth.project_id) == ("AK", "ENVSK", "eu-de", "envproject")


def test_huaweicloud_sdk_variables_are_read():
    env = {"HUAWEICLOUD_SDK_AK": "HWAK", "HUAWEICLOUD_SDK_SK": "HWSK", "HUAWEICLOUD_SDK_PROJECT_ID": "hwproject",
           "OS_REGION_NAME": "cn-north-4"}
    auth = resolve_auth(params(), env)
    assert (auth.method, auth.access_key, auth.secret_key, auth.project_id) == ("aksk", "HWAK", "HWSK", "hwproject")
    assert auth.profile == "hw"


def test_os_variables_win_over_huaweicloud_ones():
    env = {"OS_ACCESS_KEY": "OSAK", "HUAWEICLOUD_SDK_AK": "HWAK", "OS_SECRET_KEY": "OSSK", "HUAWEICLOUD_SDK_SK": "HWSK",
           "OS_PROJECT_ID": "p1", "HUAWEICLOUD_SDK_PROJECT_ID": "p2", "OS_REGION_NAME": "eu-de"}
    auth = resolve_auth(params(), env)
    assert (auth.access_key, auth.secret_key, auth.project_id) == ("OSAK", "OSSK", "p1")


def test_os_domain_name_is_a_fallback_for_the_user_domain():
    env = {"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_DOMAIN_NAME": "dom", "OS_REGION_NAME": "eu-de"}
    auth = resolve_auth(params(), env)
    assert auth.domain_name == "dom"
    assert auth.project_name is None and auth.region == "eu-de"  # the region names the project at authentication


def test_env_token_and_security_token_variables():
    assert resolve_auth(params(project_id=PID, region="eu-de"), {"OS_AUTH_TOKEN": "t"}).auth_token == "t"
    auth = resolve_auth(params(project_id=PID, region="eu-de"), {"OS_ACCESS_KEY": "a", "OS_SECRET_KEY": "s", "OS_SECURITY_TOKEN": "x"})
    assert auth.security_token == "x"


def test_os_cloud_is_used_when_nothing_else_is_set(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml",
                 {"prod": {"auth": {"auth_url": "https://iam.eu-de.otc.t-systems.com:443/v3", "username": "u", "password": "p",
                                    "user_domain_name": "OTC0001", "project_name": "eu-de_sub"}}})
    auth = resolve_auth(params(), {"OS_CLOUD": "prod", "HOME": str(isolated_home)})
    assert (auth.method, auth.source, auth.cloud_name) == ("password", "cloud", "prod")
    assert auth.project_name == "eu-de_sub" and auth.region == "eu-de"
    assert auth.auth_url == "https://iam.eu-de.otc.t-systems.com:443/v3"


def test_env_credentials_beat_os_cloud(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml", {"prod": {"ak": "CLOUDAK", "sk": "CLOUDSK"}})
    env = {"OS_CLOUD": "prod", "HOME": str(isolated_home), "OS_AUTH_TOKEN": "envtok", "OS_PROJECT_ID": PID, "OS_REGION_NAME": "eu-de"}
    auth = resolve_auth(params(), env)
    assert auth.method == "token" and auth.source == "env"


# ---- clouds.yaml


def test_named_cloud_from_os_client_config_file_with_top_level_ak_sk(tmp_path):
    path = write_clouds(tmp_path / "custom/clouds.yaml",
                        {"hw": {"ak": "AK1", "sk": "SK1", "region_name": "ap-southeast-1", "auth": {"project_id": "hwp"}}})
    auth = resolve_auth(params(cloud="hw"), {"OS_CLIENT_CONFIG_FILE": str(path)})
    assert (auth.method, auth.access_key, auth.secret_key, auth.project_id, auth.region) == ("aksk", "AK1", "SK1", "hwp", "ap-southeast-1")


def test_os_client_config_file_is_searched_before_the_standard_places(tmp_path, isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml", {"c": {"ak": "HOMEAK", "sk": "S", "region_name": "eu-de"}})
    path = write_clouds(tmp_path / "first/clouds.yaml", {"c": {"ak": "FIRSTAK", "sk": "S", "region_name": "eu-de"}})
    auth = resolve_auth(params(cloud="c", project_id=PID), {"OS_CLIENT_CONFIG_FILE": str(path), "HOME": str(isolated_home)})
    assert auth.access_key == "FIRSTAK"


def test_clouds_yaml_in_the_current_directory_is_found(tmp_path):
    write_clouds(tmp_path / "work/clouds.yml", {"here": {"auth": {"ak": "INAUTH", "sk": "SKAUTH"}, "region_name": "eu-nl"}})
    auth = resolve_auth(params(cloud="here", project_id=PID), {})
    assert (auth.access_key, auth.secret_key) == ("INAUTH", "SKAUTH")


def test_secure_yaml_is_merged_into_the_entry(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml",
                 {"otc": {"auth": {"username": "u", "user_domain_name": "OTC0001", "project_name": "eu-de"}, "region_name": "eu-de"}},
                 secure={"otc": {"auth": {"password": "from-secure"}}})
    auth = resolve_auth(params(cloud="otc"), {"HOME": str(isolated_home)})
    assert auth.method == "password" and auth.password == "from-secure" and auth.username == "u"


def test_cloud_as_a_dict_and_explicit_options_override_its_values():
    cloud = {"auth": {"auth_url": "https://iam.example.com/v3", "username": "u", "password": "p", "user_domain_name": "d",
                      "project_id": "cloudproject"}, "region_name": "eu-de", "verify": False, "cacert": "/ca.pem"}
    auth = resolve_auth(params(cloud=cloud, project_id="optionproject"), {})
    assert auth.method == "password" and auth.source == "cloud" and auth.cloud_name is None
    assert auth.project_id == "optionproject"
    assert (auth.verify, auth.ca_cert) == (False, "/ca.pem")


def test_cloud_auth_token_and_security_token_keys():
    auth = resolve_auth(params(cloud={"auth_type": "token", "auth": {"token": "tok", "project_id": PID}, "region_name": "eu-de"}), {})
    assert auth.method == "token" and auth.auth_token == "tok"
    auth = resolve_auth(params(cloud={"access_key": "A", "secret_key": "S", "token": "ST", "region_name": "eu-de",
                                      "auth": {"project_id": PID}}), {})
    assert auth.security_token == "ST"


def test_cloud_credentials_are_not_completed_from_the_environment():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(cloud={"ak": "A", "region_name": "eu-de"}), {"OS_SECRET_KEY": "envsecret"})
    assert "secret_key in the cloud dict" in str(info.value)


def test_unknown_cloud_names_the_files_searched(tmp_path):
    path = write_clouds(tmp_path / "c/clouds.yaml", {"other": {}})
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(cloud="missing"), {"OS_CLIENT_CONFIG_FILE": str(path)})
    message = str(info.value)
    assert "cloud 'missing' is not defined" in message and str(path) in message


def test_no_clouds_file_at_all():
    with pytest.raises(DrsConfigError, match="no clouds.yaml found"):
        resolve_auth(params(cloud="prod"), {})


def test_cloud_without_credentials():
    with pytest.raises(DrsConfigError, match="has no credentials"):
        resolve_auth(params(cloud={"region_name": "eu-de"}), {})


def test_unreadable_clouds_file_is_a_config_error(tmp_path):
    path = tmp_path / "clouds.yaml"
    path.write_text("clouds: [unclosed")
    with pytest.raises(DrsConfigError, match="cannot parse"):
        resolve_auth(params(cloud="x"), {"OS_CLIENT_CONFIG_FILE": str(path)})


def test_clouds_json_is_read(tmp_path):
    path = tmp_path / "clouds.json"
    path.write_text(json.dumps({"clouds": {"j": {"ak": "A", "sk": "S", "region_name": "eu-de", "auth": {"project_id": PID}}}}))
    assert resolve_auth(params(cloud="j"), {"OS_CLIENT_CONFIG_FILE": str(path)}).access_key == "A"


# ---- missing and conflicting


def test_no_credentials_message_names_every_way():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(region="eu-de"), {})
    assert str(info.value).startswith("no credentials: set one of auth_token, access_key+secret_key, username+password+domain_name")
    assert "cloud" in str(info.value)


def test_access_key_without_secret_key():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(access_key="AK", region="eu-de", **PASSWORD_OPTIONS), {})
    assert str(info.value) == ("access_key is set but secret_key is missing: set secret_key "
                               "(env OS_SECRET_KEY or HUAWEICLOUD_SDK_SK or HW_SECRET_KEY)")


def test_secret_key_without_access_key_and_the_secret_is_not_in_the_message():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(secret_key="very-secret-value", region="eu-de"), {})
    assert "secret_key is set but access_key is missing" in str(info.value)
    assert "very-secret-value" not in str(info.value)


def test_security_token_alone():
    with pytest.raises(DrsConfigError, match="security_token is set but access_key and secret_key are missing"):
        resolve_auth(params(security_token="st", region="eu-de"), {})


def test_username_without_password_and_domain():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(username="u", project_name="eu-de"), {})
    assert str(info.value) == ("username is set but password and domain_name are missing: set password (env OS_PASSWORD) "
                               "and domain_name (env OS_USER_DOMAIN_NAME or OS_DOMAIN_NAME)")


def test_password_auth_needs_a_project_or_region():
    with pytest.raises(DrsConfigError, match="needs a project: set project_name"):
        resolve_auth(params(username="u", password="p", domain_name="d", auth_url="https://iam.example.com/v3"), {})


def test_unknown_region_without_endpoint():
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(access_key="A", secret_key="S", project_id=PID, region="mars-1"), {})
    assert str(info.value) == "unknown region 'mars-1': set endpoint"


def test_unknown_region_is_fine_with_an_endpoint_and_auth_url():
    auth = resolve_auth(params(access_key="A", secret_key="S", region="mars-1", endpoint="https://drs.mars.example/v3/",
                               auth_url="iam.mars.example"), {})
    assert auth.endpoint == "https://drs.mars.example"
    assert auth.auth_url == "https://iam.mars.example/v3"


def test_password_with_unknown_region_needs_auth_url():
    with pytest.raises(DrsConfigError, match="unknown region 'mars-1': set auth_url"):
        resolve_auth(params(username="u", password="p", domain_name="d", region="mars-1"), {})


def test_token_without_project_or_iam():
    with pytest.raises(DrsConfigError, match="auth_token needs project_id"):
        resolve_auth(params(auth_token="tok", endpoint="https://drs.example.com"), {})


def test_repr_shows_no_secret():
    auth = resolve_auth(params(access_key="AKVISIBLE", secret_key="SKSECRET", security_token="STSECRET", project_id=PID,
                               region="eu-de"), {})
    text = repr(auth) + str(auth)
    assert "SKSECRET" not in text and "STSECRET" not in text and "AKVISIBLE" not in text
    assert "secret_key=<set>" in text and "method='aksk'" in text
    password = resolve_auth(params(region="eu-de", **PASSWORD_OPTIONS), {})
    assert "Pa55-secret" not in repr(password)
    assert sorted(password.secret_values()) == ["Pa55-secret"]


# ---- endpoints


@pytest.mark.parametrize("region, drs, iam", [
    ("eu-de", "https://drs.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com/v3"),
    ("eu-nl", "https://drs.eu-nl.otc.t-systems.com", "https://iam.eu-nl.otc.t-systems.com/v3"),
    ("cn-north-4", "https://drs.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com/v3"),
    ("ap-southeast-3", "https://drs.ap-southeast-3.myhuaweicloud.com", "https://iam.ap-southeast-3.myhuaweicloud.com/v3"),
    ("eu-west-101", "https://drs.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu/v3"),
    ("mars-1", None, None),
    (None, None, None),
])
def test_regional_templates(region, drs, iam):
    assert default_drs_endpoint(region) == drs
    assert default_auth_url(region) == iam


@pytest.mark.parametrize("url, expected", [
    ("https://drs.eu-de.otc.t-systems.com/v3/$(tenant_id)s", "https://drs.eu-de.otc.t-systems.com"),
    ("https://drs.eu-de.otc.t-systems.com/v3/%(project_id)s/", "https://drs.eu-de.otc.t-systems.com"),
    ("https://drs.eu-de.otc.t-systems.com/v3/" + PID, "https://drs.eu-de.otc.t-systems.com"),
    ("https://drs.eu-de.otc.t-systems.com/v3", "https://drs.eu-de.otc.t-systems.com"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("drs.example.com", "https://drs.example.com"),
])
def test_normalize_endpoint(url, expected):
    assert normalize_endpoint(url, PID) == expected


def test_normalize_auth_url():
    assert normalize_auth_url("https://iam.example.com") == "https://iam.example.com/v3"
    assert normalize_auth_url("https://iam.example.com/v3/") == "https://iam.example.com/v3"
    assert normalize_auth_url("iam-pub.eu-ch2.sc.otc.t-systems.com/v3") == "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3"


def test_catalog_entry_is_matched_by_region_and_interface():
    catalog = [
        {"type": "identity", "endpoints": [{"url": "https://iam.example.com/v3", "region": "*", "interface": "public"}]},
        {"type": "drs", "endpoints": [
            {"url": "https://drs-internal.eu-de.example/v3/$(tenant_id)s", "region": "eu-de", "interface": "internal"},
            {"url": "https://drs.eu-nl.example/v3/$(tenant_id)s", "region": "eu-nl", "interface": "public"},
            {"url": "https://drs.eu-de.example/v3/%(project_id)s", "region_id": "eu-de", "interface": "public"},
        ]},
    ]
    assert endpoint_from_catalog(catalog, "eu-de", PID) == "https://drs.eu-de.example"
    assert endpoint_from_catalog(catalog, "eu-nl", PID) == "https://drs.eu-nl.example"
    assert endpoint_from_catalog(catalog, None, PID) == "https://drs.eu-nl.example"
    assert endpoint_from_catalog(catalog, "cn-north-4", PID) is None
    assert endpoint_from_catalog([{"type": "drs", "endpoints": [{"url": "http://127.0.0.1:1/", "region": "*"}]}], "x") == "http://127.0.0.1:1"
    assert endpoint_from_catalog(None, "eu-de") is None


# ---- the target: project and region (task > environment > clouds.yaml)


def test_project_name_on_the_task_beats_os_project_id_in_the_environment():
    env = {"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_USER_DOMAIN_NAME": "OTC0001", "OS_PROJECT_ID": PID,
           "OS_REGION_NAME": "eu-de"}
    auth = resolve_auth(params(project_name="eu-nl", endpoint="http://127.0.0.1:1"), env)
    assert (auth.project_id, auth.project_name, auth.region) == (None, "eu-nl", "eu-nl")
    assert auth.sources == {"project_id": None, "project_name": "task", "region": "project_name"}


def test_a_region_on_the_task_stays_when_the_project_name_comes_from_the_task_too():
    options = dict(PASSWORD_OPTIONS)
    options.update(project_name="eu-nl_sub", region="eu-de")
    auth = resolve_auth(params(**options), {})
    assert (auth.project_name, auth.region) == ("eu-nl_sub", "eu-de")
    assert auth.sources["region"] == "task"


def test_environment_project_beats_the_os_cloud_entry(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml",
                 {"prod": {"auth": {"username": "u", "password": "p", "user_domain_name": "OTC0001", "project_name": "eu-de"}}})
    auth = resolve_auth(params(), {"OS_CLOUD": "prod", "HOME": str(isolated_home), "OS_PROJECT_ID": PID, "OS_REGION_NAME": "eu-de"})
    assert (auth.project_id, auth.project_name) == (PID, None)
    assert auth.sources["project_id"] == "env"


def test_a_cloud_named_on_the_task_beats_the_environment_project(isolated_home):
    write_clouds(isolated_home / ".config/openstack/clouds.yaml",
                 {"prod": {"auth": {"username": "u", "password": "p", "user_domain_name": "OTC0001", "project_name": "eu-nl"}}})
    auth = resolve_auth(params(cloud="prod"), {"HOME": str(isolated_home), "OS_PROJECT_ID": PID, "OS_REGION_NAME": "eu-de"})
    assert (auth.project_id, auth.project_name, auth.region) == (None, "eu-nl", "eu-nl")
    assert auth.sources == {"project_id": None, "project_name": "cloud", "region": "project_name"}


@pytest.mark.parametrize("variable,option", [("HW_ACCESS_KEY", "access_key"), ("HW_SECRET_KEY", "secret_key"),
                                             ("HW_SECURITY_TOKEN", "security_token"), ("HW_PROJECT_ID", "project_id"),
                                             ("HW_REGION_NAME", "region")])
def test_terraform_provider_variables_are_fallbacks_after_the_os_names(variable, option):
    env = {"HW_ACCESS_KEY": "hwak", "HW_SECRET_KEY": "hwsk", "HW_SECURITY_TOKEN": "hwst", "HW_PROJECT_ID": "hwproject",
           "HW_REGION_NAME": "eu-nl"}
    auth = resolve_auth(params(), env)
    assert getattr(auth, option) == env[variable]
    os_name = {"access_key": "OS_ACCESS_KEY", "secret_key": "OS_SECRET_KEY", "security_token": "OS_SECURITY_TOKEN",
               "project_id": "OS_PROJECT_ID", "region": "OS_REGION_NAME"}[option]
    value = "eu-de" if option == "region" else "from-os"
    assert getattr(resolve_auth(params(), dict(env, **{os_name: value})), option) == value


def test_secure_yaml_beside_os_client_config_file_is_merged(tmp_path):
    path = write_clouds(tmp_path / "elsewhere/clouds.yaml",
                        {"otc": {"auth": {"username": "u", "user_domain_name": "OTC0001", "project_name": "eu-de"}}},
                        secure={"otc": {"auth": {"password": "beside"}}})
    auth = resolve_auth(params(cloud="otc"), {"OS_CLIENT_CONFIG_FILE": str(path)})
    assert auth.password == "beside"


def test_clouds_yaml_in_a_config_dir_is_found_before_the_module_directory(tmp_path):
    write_clouds(tmp_path / "started-here/clouds.yaml", {"emu": {"ak": "STARTAK", "sk": "S", "region_name": "eu-de"}})
    write_clouds(tmp_path / "work/clouds.yaml", {"emu": {"ak": "WORKAK", "sk": "S", "region_name": "eu-de"}})
    auth = resolve_auth(params(cloud="emu", project_id=PID, config_dirs=[str(tmp_path / "started-here")]), {})
    assert auth.access_key == "STARTAK"


def test_the_error_lists_every_directory_searched_with_full_paths(tmp_path, isolated_home):
    with pytest.raises(DrsConfigError) as info:
        resolve_auth(params(cloud="emu", config_dirs=[str(tmp_path / "started-here")]), {"HOME": str(isolated_home)})
    assert str(info.value).startswith(
        "cloud 'emu' is not defined: no clouds.yaml found (searched %s, %s, %s, /etc/openstack)." % (
            tmp_path / "started-here", tmp_path / "work", isolated_home / ".config/openstack"))


def test_a_parse_error_in_secure_yaml_names_the_position_but_never_the_line_that_holds_the_password(tmp_path):
    (tmp_path / "clouds.yaml").write_text("clouds:\n  emu:\n    auth:\n      auth_url: https://iam.example.test/v3\n")
    (tmp_path / "secure.yaml").write_text('clouds:\n  emu:\n    auth:\n      password: "S3cret-Pa55word!\n')
    with pytest.raises(DrsConfigError) as exc:
        resolve_auth(params(cloud="emu"), {"OS_CLIENT_CONFIG_FILE": str(tmp_path / "clouds.yaml")})
    assert "S3cret-Pa55word" not in str(exc.value)
    assert str(exc.value).startswith("cannot parse %s at line " % (tmp_path / "secure.yaml"))
