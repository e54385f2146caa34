#!/usr/bin/env python3
"""Writes assets/demo-notifications.jsonl: ~200 realistic GraphSpace-style notifications
for `kafka-inbox demo` (deterministic; rerun to regenerate)."""
import json, random, datetime

random.seed(7)
people = ["bob", "carol", "dmitri", "eve", "fatima", "gustavo", "hiro", "ines", "jamal", "kim", "李娜", "Zoë"]
groups = ["cancer-pathways", "yeast-lab", "bio-viz", "neuro-team", "teaching-2026", "κ-networks"]
graphs = ["pathways", "EGFR signalling", "yeast PPI", "p53 network", "TCA cycle", "MAPK cascade",
          "gene co-expression", "drug targets", "Wnt pathway", "mouse brain atlas", "代谢网络", "Ødegaard interactome"]
now = datetime.datetime(2026, 11, 25, 14, 0, 0, tzinfo=datetime.timezone.utc)

def gid(): return str(random.randint(100, 9999))

def make(i, minutes_ago):
    kind = random.choice(["group", "owner", "owner", "watching"])
    actor = random.choice(people)
    graph = random.choice(graphs)
    g = gid()
    if kind == "group":
        grp = random.choice(groups)
        title = random.choice([f"{actor} shared graph '{graph}' with {grp}",
                               f"{actor} added you to group {grp}",
                               f"{actor} updated layout '{graph} – compact' in {grp}"])
        body = f"Group {grp} now has access to '{graph}'. Open it to see the latest version."
    elif kind == "owner":
        title = random.choice([f"{actor} commented on graph '{graph}'",
                               f"{actor} starred your graph '{graph}'",
                               f"{actor} forked your graph '{graph}'",
                               f"{actor} requested edit access to '{graph}'"])
        body = random.choice(["Looks great — could you add the edge weights? 👍",
                              "I think node TP53 is missing an interaction with MDM2.",
                              "Nice layout! Mind if I reuse it for my class?",
                              "Exported to CSV, numbers check out.\nSee the attached figure."])
    else:
        title = random.choice([f"'{graph}' was updated by {actor}",
                               f"{actor} published a new version of '{graph}'",
                               f"New comment on '{graph}' you follow"])
        body = f"{random.randint(1, 40)} nodes and {random.randint(1, 90)} edges changed."
    created = now - datetime.timedelta(minutes=minutes_ago)
    return {"id": f"demo-{i:04d}", "kind": kind, "user": "demo", "title": title, "body": body,
            "actor": actor, "url": f"https://graphspace.example.org/graphs/{g}",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "object": {"type": "graph", "id": g}}

lines = []
for i in range(1, 200):
    lines.append(json.dumps(make(i, random.randint(1, 60 * 24 * 21)), ensure_ascii=False))
# One notification with an extra field and one with hostile control sequences, shown safely.
n = make(200, 5); n["priority"] = "high"; lines.append(json.dumps(n, ensure_ascii=False))
h = make(201, 3); h["title"] = "eve renamed a graph to \u001b]0;pwned\u0007\u001b[2J'gotcha'\u202e"; lines.append(json.dumps(h))
# One malformed message: not JSON at all.
lines.append("this is not JSON {{ oops")
open("assets/demo-notifications.jsonl", "w", encoding="utf-8").write("\n".join(lines) + "\n")
print(len(lines), "lines")
