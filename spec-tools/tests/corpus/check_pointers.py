#!/usr/bin/env python3
"""Checks spec-tools/tests/corpus: every mutation's RFC 6902 edits apply to the current
specs/<spec>.yaml (remove/replace targets exist, add parents exist and an add never
overwrites a member), the edited spec differs from the original, and every document in
cases/*.yaml and every edited spec is valid OpenAPI 3.0 when openapi-spec-validator is
installed. Needs PyYAML only. Run from anywhere: python3 spec-tools/tests/corpus/check_pointers.py
"""
import copy
import glob
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
LEVELS = {'ERR', 'WARN', 'INFO'}

try:
    from openapi_spec_validator import validate as _validate
except ImportError:  # validation is optional
    _validate = None


def unescape(token):
    return token.replace('~1', '/').replace('~0', '~')


def split(pointer):
    if pointer == '':
        return []
    if not pointer.startswith('/'):
        raise ValueError('pointer must start with /: %r' % pointer)
    return [unescape(t) for t in pointer[1:].split('/')]


def resolve(doc, tokens):
    node = doc
    for t in tokens:
        if isinstance(node, list):
            if not t.isdigit() or int(t) >= len(node):
                raise KeyError(t)
            node = node[int(t)]
        elif isinstance(node, dict):
            if t not in node:
                raise KeyError(t)
            node = node[t]
        else:
            raise KeyError(t)
    return node


def apply(doc, edit):
    tokens = split(edit['path'])
    if not tokens:
        raise ValueError('whole-document edits are not used here')
    parent = resolve(doc, tokens[:-1])
    last = tokens[-1]
    op = edit['op']
    if op == 'add':
        if isinstance(parent, list):
            if last == '-':
                parent.append(copy.deepcopy(edit['value']))
            elif last.isdigit() and int(last) <= len(parent):
                parent.insert(int(last), copy.deepcopy(edit['value']))
            else:
                raise KeyError(last)
        else:
            if last in parent:
                raise ValueError('add would overwrite %s (use replace)' % edit['path'])
            parent[last] = copy.deepcopy(edit['value'])
    elif op in ('remove', 'replace'):
        resolve(doc, tokens)  # must exist
        if isinstance(parent, list):
            i = int(last)
            if op == 'remove':
                del parent[i]
            else:
                parent[i] = copy.deepcopy(edit['value'])
        else:
            if op == 'remove':
                del parent[last]
            else:
                parent[last] = copy.deepcopy(edit['value'])
    else:
        raise ValueError('unsupported op %r' % op)


def check_expect(where, expect):
    problems = []
    if not isinstance(expect, list):
        return ['%s: expect is not a list' % where]
    for e in expect:
        if not isinstance(e, dict) or set(e) != {'id', 'level'} or e['level'] not in LEVELS:
            problems.append('%s: bad expect entry %r' % (where, e))
    pairs = [(e.get('id'), e.get('level')) for e in expect if isinstance(e, dict)]
    if len(pairs) != len(set(pairs)):
        problems.append('%s: duplicate (id, level) in expect' % where)
    return problems


def valid(where, doc):
    if _validate is None:
        return []
    try:
        _validate(doc)
    except Exception as e:  # noqa: BLE001 - report any validator failure
        return ['%s: not valid OpenAPI: %s' % (where, str(e).splitlines()[0] if str(e) else repr(e))]
    return []


def main():
    problems = []
    specs = {}
    mutations = yaml.safe_load(open(os.path.join(HERE, 'mutations.yaml')))
    names = set()
    for m in mutations:
        name = m.get('name')
        if name in names:
            problems.append('%s: duplicate name' % name)
        names.add(name)
        for key in ('spec', 'edits', 'expect', 'semver', 'why'):
            if key not in m:
                problems.append('%s: missing %s' % (name, key))
        if m.get('semver') not in ('major', 'minor', 'patch'):
            problems.append('%s: semver is %r' % (name, m.get('semver')))
        spec = m['spec']
        if spec not in specs:
            specs[spec] = yaml.safe_load(open(os.path.join(ROOT, 'specs', spec + '.yaml')))
        doc = copy.deepcopy(specs[spec])
        try:
            for edit in m['edits']:
                apply(doc, edit)
        except (KeyError, ValueError, IndexError) as e:
            problems.append('%s: edit does not apply: %s' % (name, e))
            continue
        if doc == specs[spec]:
            problems.append('%s: the edits change nothing' % name)
        problems += check_expect(name, m['expect'])
        problems += valid(name, doc)
    cases = sorted(glob.glob(os.path.join(HERE, 'cases', '*.yaml')))
    for f in cases:
        c = yaml.safe_load(open(f))
        where = os.path.basename(f)
        for key in ('source', 'base', 'revision', 'expect'):
            if key not in c:
                problems.append('%s: missing %s' % (where, key))
        if c.get('base') == c.get('revision'):
            problems.append('%s: base and revision are identical' % where)
        problems += check_expect(where, c.get('expect'))
        problems += valid(where + ' base', c['base'])
        problems += valid(where + ' revision', c['revision'])
    disagreements = yaml.safe_load(open(os.path.join(HERE, 'disagreements.yaml')))
    if not isinstance(disagreements, list):
        problems.append('disagreements.yaml is not a list')
    for p in problems:
        print(p)
    print('%d mutations, %d cases, %d problems%s' % (
        len(mutations), len(cases), len(problems),
        '' if _validate else ' (openapi-spec-validator not installed: documents not validated)'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
