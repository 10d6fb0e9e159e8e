"""Reproduce the figures table of docs/reliability.md, and the table of the fault matrix.

    cd <laid-out collection>    # e.g. build/ansible_collections/cloudops/drs after `make collection`
    PYTHONPATH=<dir holding ansible_collections> python tests/unit/reliability/figures.py [--matrix] [figures.json]

Runs tests/unit/reliability/test_fault_runs.py with RELIABILITY_FIGURES set (with --matrix: test_fault_matrix.py with
RELIABILITY_MATRIX_FIGURES set); the tests assert the outcomes and record the figures of each run, and this prints the
Markdown table. With a JSON file argument, only prints its table.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def table(figures):
    lines = ['| case | jobs | outcome | faults injected (emulator stats) | requests | requests retried (module `retries`) | '
             'jobs lost | duplicate starts |', '|---|---|---|---|---|---|---|---|']
    for row in figures:
        faults = ', '.join('%s %d' % item for item in sorted(row['faults_injected'].items())) or '-'
        if row['iam_tokens']:
            faults += ' (IAM tokens issued: %d)' % row['iam_tokens']
        retried = ', '.join('%s %d' % item for item in sorted(row['retried'].items())) or '0'
        lines.append('| %s | %d | %s | %d: %s | %d | %d: %s | %d | %d |' % (
            row['case'], row['jobs'], row['outcome'], row['faults_total'], faults, row['requests'], row['retried_total'], retried,
            row['jobs_lost'], row['duplicate_starts']))
    keys = ('jobs', 'faults_total', 'retried_total', 'jobs_lost', 'duplicate_starts')
    total = dict((key, sum(row[key] for row in figures)) for key in keys)
    lines.append('| **total** | %(jobs)d | | %(faults_total)d | | %(retried_total)d | %(jobs_lost)d | %(duplicate_starts)d |' % total)
    return '\n'.join(lines)


def matrix_table(figures):
    """The fault matrix: one line per run (cell, exit code, jobs started, faults injected, requests, seconds)."""
    lines = ['| cell | jobs | exit | jobs started | faults injected (emulator stats) | requests | seconds |',
             '|---|---|---|---|---|---|---|']
    for row in figures['runs']:
        faults = ', '.join('%s %d' % item for item in sorted(row['faults_injected'].items())) or '-'
        lines.append('| %s | %d | %d | %d | %s | %d | %s |' % (
            row['cell'], row['jobs'], row['exit'], row['starts'], faults, row['requests'], row['seconds']))
    lines.append('')
    lines.append('%d runs in %s s through %d emulators at once.' % (len(figures['runs']), figures['seconds'], figures['workers']))
    return '\n'.join(lines)


def render(figures):
    return matrix_table(figures) if isinstance(figures, dict) else table(figures)


def main(argv):
    matrix = '--matrix' in argv
    argv = [arg for arg in argv if arg != '--matrix']
    if len(argv) > 1:
        with open(argv[1], encoding='utf-8') as handle:
            print(render(json.load(handle)))
        return 0
    target = os.path.join(tempfile.mkdtemp(prefix='drs-figures-'), 'figures.json')
    variable, test_file = ('RELIABILITY_MATRIX_FIGURES', 'test_fault_matrix.py') if matrix else ('RELIABILITY_FIGURES', 'test_fault_runs.py')
    env = dict(os.environ, **{variable: target})
    code = subprocess.call([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q', os.path.join(HERE, test_file)], env=env)
    if os.path.exists(target):
        with open(target, encoding='utf-8') as handle:
            print(render(json.load(handle)))
    return code


if __name__ == '__main__':
    sys.exit(main(sys.argv))
