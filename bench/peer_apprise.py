#!/usr/bin/env python3
"""Apprise (json:// notifier) pushing the same messages to the same local sink: N messages round-robin over
C channels, one notify() per message, as a user of Apprise would. Prints one JSON line."""
import json, sys, time
import apprise

sink, messages, channels = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = sink.split("://", 1)[1]
objs = []
for c in range(channels):
    a = apprise.Apprise()
    a.add(f"json://{host}/hook/{c}")
    objs.append(a)
start = time.perf_counter()
ok = 0
for i in range(messages):
    if objs[i % channels].notify(title="本周科技政策", body=f"【政策】关于做好2026年度高新技术企业认定申报工作的通知 第{i}条"):
        ok += 1
total = time.perf_counter() - start
print(json.dumps({"engine": f"apprise {apprise.__version__} json://", "messages": messages, "channels": channels,
                  "delivered": ok, "total_s": round(total, 3), "msgs_per_s": round(ok / total)}))
