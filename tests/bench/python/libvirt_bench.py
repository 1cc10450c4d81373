"""libvirt C library side of tests/bench/libvirt.bench.ts (Debian's python3-libvirt).

usage: /usr/bin/python3 libvirt_bench.py <uri> <roundtrips>

Opens <uri>, lists the domains once and prints "ready <number of domains>". Then reads one phase name
per line from stdin (roundtrip | info | xml | stats), runs it once and prints the elapsed milliseconds.
Driven step by step so the two clients can be measured alternately under the same machine load.
"""
import sys
import time

import libvirt


def main():
    uri, roundtrips = sys.argv[1], int(sys.argv[2])
    conn = libvirt.open(uri)
    doms = conn.listAllDomains(0)

    def roundtrip():
        for _ in range(roundtrips):
            conn.getVersion()

    def info():
        for d in doms:
            d.info()

    def xml():
        for d in doms:
            d.XMLDesc(0)

    def stats():
        conn.getAllDomainStats(0, 0)

    phases = {"roundtrip": roundtrip, "info": info, "xml": xml, "stats": stats}
    print("ready %d" % len(doms), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        if name == "quit":
            break
        fn = phases.get(name)
        if fn is None:
            print("error unknown phase %s" % name, flush=True)
            continue
        t0 = time.perf_counter()
        fn()
        print("%.4f" % ((time.perf_counter() - t0) * 1000.0), flush=True)
    conn.close()


if __name__ == "__main__":
    main()
