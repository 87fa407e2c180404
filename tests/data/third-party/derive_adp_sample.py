# How adp_workers-v2-all-workers.scrubbed.json was made from ADP's file (PROVENANCE.txt):
#   python3 derive_adp_sample.py workers-v2-all-workers-details-http-200-response.json \
#       adp_workers-v2-all-workers.scrubbed.json
# Personal data no preset reads goes; the addresses at adp.com (ADP staff, it seems) are
# replaced (the one three workers share stays shared); everything else is kept as published.
import json, sys
src = json.load(open(sys.argv[1], encoding='utf-8-sig'))
replaced = {}


def scrubbed(address):
    # adp.com addresses become adp.contact.N@example.com, N in order of first appearance.
    if not address.lower().endswith('@adp.com'):
        return address
    return replaced.setdefault(address, f'adp.contact.{len(replaced) + 1}@example.com')


out = []
for w in src['workers']:
    w = dict(w)
    w['person'] = {k: v for k, v in w['person'].items()
                   if k in ('legalName', 'preferredName', 'customFieldGroup')}
    bc = w.get('businessCommunication')
    if bc is not None:
        bc = {k: v for k, v in bc.items() if k == 'emails'}
        for e in bc.get('emails', []):
            e['emailUri'] = scrubbed(e['emailUri'])
        w['businessCommunication'] = bc
    for a in w['workAssignments']:
        a.pop('baseRemuneration', None)
        a.pop('payGradePayRange', None)
    cf = w.get('customFieldGroup')
    if cf is not None:
        cf = {k: v for k, v in cf.items() if k not in ('amountFields',)}
        if 'stringFields' in cf:
            cf['stringFields'] = [f for f in cf['stringFields']
                                  if f['nameCode']['codeValue'] != 'Drivers License']
            if not cf['stringFields']: del cf['stringFields']
        if cf: w['customFieldGroup'] = cf
        else: del w['customFieldGroup']
    out.append(w)
notice = ("ADP's sample response wfn/hr/workers-v2/success/workers-v2-all-workers-details-http-200-response.json "
          "from github.com/adpllc/marketplace-sample-payloads (Apache-2.0, Copyright 2018 ADP, LLC.), "
          "changed by the hr2scim project: personal data removed and three e-mail addresses replaced, "
          "as tests/data/third-party/PROVENANCE.txt lists. Everything else is as ADP published it.")
text = '{\n"_notice": ' + json.dumps(notice) + ',\n"workers": [\n' + ',\n'.join(
    json.dumps(w, ensure_ascii=False, separators=(',', ':')) for w in out) + '\n]\n}\n'
open(sys.argv[2], 'w', encoding='utf-8').write(text)
