"""module_utils/_secrets.py: the one secret rule."""

from ansible_collections.cloudops.drs.plugins.module_utils._secrets import redact_secrets
from ansible_collections.cloudops.drs.tests.unit.plugins.modules.utils import jid


def test_redaction_removes_secrets_at_any_depth_and_keeps_the_rest():
    detail = {'id': jid(1), 'source_endpoint': {'db_user': 'drs', 'db_password': 'x', 'ssl_cert_key': 'k',
                                                'ssl_cert_password': 'y', 'ssl_cert_name': 'ca.pem'},
              'source_sharding': [{'ip': '10.0.0.1', 'db_password': 'z'}],
              'kafka_security_config': {'sasl_mechanism': 'PLAIN', 'trust_store_password': 'a', 'key_store_key': 'b'},
              'auth_token': 't', 'client_secret': 's', 'private_key_data': 'p'}
    assert redact_secrets(detail) == {
        'id': jid(1), 'source_endpoint': {'db_user': 'drs', 'ssl_cert_name': 'ca.pem'},
        'source_sharding': [{'ip': '10.0.0.1'}],
        'kafka_security_config': {'sasl_mechanism': 'PLAIN'}}
