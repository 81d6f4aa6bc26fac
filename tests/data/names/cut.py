"""Cut the people the name tests need from the EveryPolitician Pakistan Popolo file.

Run from this folder:
python cut.py ../../../../shared/data/everypolitician-pakistan/ep-popolo-v1.0.json
"""

import json
import sys

NAMES = {
    "Ahsan Iqbal",
    "Aftab Ahmad Khan Sherpao",
    "Akram Khan Durrani",
    "Asad Umar",
    "Imran Khan",
    "Abdul Hakeem Baloch",
    "Makhdoom Shah Mahmood Hussain Qureshi",
    "Aaisha Gulalai",
    "Amir Haider Khan",
    "Abdul Majeed Khan",
    "Ali Muhammad Khan",
    "Shireen Mehrunnisa Mazari",
    "Chaudhry Nisar Ali Khan",
    "Ghulam Sarwar Khan",
}
doc = json.load(open(sys.argv[1], encoding="utf-8"))
persons = [p for p in doc["persons"] if p["name"] in NAMES]
ids = {p["id"] for p in persons}
members = [m for m in doc["memberships"] if m["person_id"] in ids]
orgs = {m["organization_id"] for m in members} | {m.get("on_behalf_of_id") for m in members}
out = {
    "persons": persons,
    "organizations": [o for o in doc["organizations"] if o["id"] in orgs],
    "memberships": members,
    "events": [
        e for e in doc["events"] if e["id"] in {m.get("legislative_period_id") for m in members}
    ],
    "areas": [a for a in doc["areas"] if a["id"] in {m.get("area_id") for m in members}],
}
json.dump(out, open("pakistan-names.json", "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(len(persons), "persons")
