"""Execution environments: the collection's meta/execution-environment.yml and the example EE definition
in docs/ produce a build context that installs the collection and its Python requirements (requests).

``ansible-builder create`` writes the context without a container runtime. What the container build would
then do is repeated here with the context's own files: install the collections of ``_build/requirements.yml``
(as the galaxy stage does) and run the context's ``introspect.py`` over them (as the builder stage does).
"""

import os
import subprocess
import sys

import yaml

from conftest import COLLECTION_DIR

EXAMPLE_EE = os.path.join(COLLECTION_DIR, 'docs', 'execution-environment.yml')
BIN = os.path.dirname(sys.executable)


def read_yaml(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def requirement_names(path):
    with open(path, encoding='utf-8') as handle:
        lines = [line.split('#', 1)[0].strip() for line in handle]
    return [line.split('=')[0].split('<')[0].split('>')[0].split('[')[0].strip().lower() for line in lines if line]


def test_collection_ee_metadata_points_at_the_runtime_requirements_only():
    meta = read_yaml(os.path.join(COLLECTION_DIR, 'meta', 'execution-environment.yml'))
    assert meta['version'] == 1   # the collection-level format, not an EE definition (version 3)
    assert meta['dependencies'] == {'python': 'requirements.txt'}
    names = requirement_names(os.path.join(COLLECTION_DIR, 'requirements.txt'))
    assert names == ['requests']
    assert not os.path.exists(os.path.join(COLLECTION_DIR, 'bindep.txt'))


def test_example_ee_lists_the_collection_and_no_test_tools():
    definition = read_yaml(EXAMPLE_EE)
    assert definition['version'] == 3
    assert {'name': 'cloudops.drs', 'version': '>=1.0.0'} in definition['dependencies']['galaxy']['collections']
    assert 'python' not in definition['dependencies']   # the collection brings its own requirements


def test_builder_context_installs_the_collection_with_requests(tarball, tmp_path):
    # The example, with the collection from the freshly built tarball instead of Galaxy.
    definition = read_yaml(EXAMPLE_EE)
    definition['additional_build_files'] = [{'src': tarball, 'dest': 'collections'}]
    definition['dependencies']['galaxy'] = {'collections': [
        {'name': 'collections/' + os.path.basename(tarball), 'type': 'file'}]}
    ee_file = tmp_path / 'execution-environment.yml'
    ee_file.write_text(yaml.safe_dump(definition))
    context = tmp_path / 'context'
    subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(ee_file), '-c', str(context),
                    '--output-filename', 'Containerfile'], check=True, capture_output=True, text=True, cwd=str(tmp_path))

    build = context / '_build'
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in containerfile
    assert '/output/scripts/introspect.py introspect' in containerfile
    assert (build / 'collections' / os.path.basename(tarball)).is_file()

    # galaxy stage: install what _build/requirements.yml lists, from inside _build
    installed = tmp_path / 'usr-share-ansible-collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-r', 'requirements.yml', '-p', str(installed)],
                   check=True, capture_output=True, text=True, cwd=str(build),
                   env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed)))
    assert (installed / 'ansible_collections' / 'cloudops' / 'drs' / 'meta' / 'execution-environment.yml').is_file()

    # builder stage: the context's introspect.py collects the Python requirements of the installed collections
    pip_out = tmp_path / 'requirements.txt'
    subprocess.run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(installed),
                    '--write-pip', str(pip_out), '--write-bindep', str(tmp_path / 'bindep.txt')],
                   check=True, capture_output=True, text=True)
    lines = [line for line in pip_out.read_text().splitlines() if line.strip()]
    assert lines == ['requests  # from collection cloudops.drs']
    assert not (tmp_path / 'bindep.txt').exists() or not (tmp_path / 'bindep.txt').read_text().strip()
    dev_only = set(requirement_names(os.path.join(COLLECTION_DIR, 'requirements-dev.txt'))) - {'requests'}
    assert not dev_only & set(requirement_names(str(pip_out)))
