#!/usr/bin/env python3
"""Drives lapor's Open311 API with clients someone else wrote, unmodified:

- civicbot (PyPI, MIT): the only maintained Python 3 client found that can POST a request;
  it speaks JSON.
- georeport (PyPI, Apache-2.0): a reader that also speaks XML (through xmltodict), so the XML
  documents are parsed by a third party's code too.

Usage (the Rust test `open311_client` runs it against a real `lapor` process):
  open311_client.py post BASE API_KEY SERVICE_CODE   prints {"services": [...], "id": ...}
  open311_client.py read BASE ID SERVICE_CODE        prints what both clients read back
Exits non-zero, with the error on stderr, when a client fails.
"""
import datetime
import json
import sys

from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport


# The jurisdiction every call names: Kota Banjarmasin in the tests' government tree.
JURISDICTION = "banjarmasin"


def civicbot(base):
    endpoint = Endpoint(id="lapor", name="lapor", base_url=base, write=True)
    # No pause between calls: the test talks to its own server.
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport=transport, jurisdiction_id=JURISDICTION)


def post(base, api_key, service_code):
    client = civicbot(base)
    services = client.list_services()
    # validate_remote: the client reads the service's definition and checks the attributes.
    prepared = client.create_request(
        service_code,
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        validate_remote=True,
        lat=-3.3194,
        lng=114.5908,
        address_string="Jl. Sungai Miai Dalam, Banjarmasin Utara",
        description="Jembatan kayu di Sungai Miai patah\n"
        "Papan jembatan penghubung RT 12 patah sejak Senin; anak sekolah memutar 2 km.",
        first_name="Rahmat",
        last_name="Hidayat",
        email="rahmat.hidayat@example.id",
        attributes={"jenis": "pengaduan", "anonim": "ya"},
    )
    created = prepared.response[0]
    print(json.dumps({"services": services, "id": created["service_request_id"],
                      "notice": created.get("service_notice")}))


def read(base, request_id, service_code):
    client = civicbot(base)
    request = client.get_request(request_id)
    listed = client.list_requests(service_code=service_code, status="open")
    # civicbot has no method for mySociety's extension; its own HTTP helper reads it, for a
    # day either side of now (the test's officials write a second or two ahead).
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {
        "start_date": (now - datetime.timedelta(days=1)).isoformat(timespec="seconds"),
        "end_date": (now + datetime.timedelta(days=1)).isoformat(timespec="seconds"),
    }
    updates = client.http.get_json(client._url("servicerequestupdates"), client._params(**window))
    xml = GeoReport(base, jurisdiction=JURISDICTION, output_format="xml")
    xml_request = xml.get_service_request(request_id)
    xml_services = xml.get_service_list()
    xml_definition = xml.get_service_definition(service_code)
    print(json.dumps({
        "request": request,
        "listed": [r["service_request_id"] for r in listed],
        "updates": updates,
        "xml_request": xml_request,
        "xml_services": xml_services,
        "xml_definition": xml_definition,
    }))


def main(argv):
    if len(argv) == 5 and argv[1] == "post":
        post(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "read":
        read(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
