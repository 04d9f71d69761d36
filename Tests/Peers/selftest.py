#!/usr/bin/env python3
"""Self-test for provider_stub.py: starts it, drives every provider and the control API.

    python3 Tests/Peers/selftest.py --specs /path/to/shared/specs

Ends with the line 'N passed, M failed' and exits non-zero on any failure.
"""

import argparse
import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
BASIC = "Basic " + base64.b64encode(b"agent@example.com:secret").decode()
ZD_BASIC = "Basic " + base64.b64encode(b"agent@example.com/token:secret").decode()
SID = "AC" + "0123456789abcdef" * 2
TW_BASIC = "Basic " + base64.b64encode(f"{SID}:authtoken".encode()).decode()
ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hello"}]}]}


class Peer:
    """A running provider_stub process and a tiny HTTP client for it."""

    def __init__(self, specs, *extra):
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "provider_stub.py"), "--specs", specs, *extra],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        self.startup = time.monotonic() - started
        m = re.fullmatch(r"LISTENING (\d+)", line)
        if not m:
            self.proc.kill()
            raise SystemExit(f"stub did not start: {line!r}")
        self.base = f"http://127.0.0.1:{m.group(1)}"

    def call(self, method, path, body=None, headers=None, form=None, timeout=10):
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urlencode(form, doseq=True).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), self.decode(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), self.decode(err.read())

    @staticmethod
    def decode(raw):
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return raw.decode()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


class Checks:
    """Counts named expectations and prints failures."""

    def __init__(self):
        self.passed = self.failed = 0

    def expect(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")


def jira(p, c):
    h = {"Authorization": BASIC}
    issue = {"fields": {"project": {"key": "SUP"}, "issuetype": {"name": "Task"}, "summary": "Complaint #42",
                        "description": ADF, "labels": ["intake", "intake-C-42"]},
             "properties": [{"key": "intake", "value": {"key": "C-42-abc"}}]}
    s, _, b = p.call("POST", "/rest/api/3/issue", issue, h)
    c.expect("jira create", s == 201 and b["key"] == "SUP-1" and b["id"].isdigit(), (s, b))
    c.expect("jira no auth", p.call("POST", "/rest/api/3/issue", issue)[0] == 401)
    for name, fields in [("fields not object", "x"), ("missing summary", {"project": {"key": "SUP"}, "issuetype": {"name": "Task"}}),
                         ("string description", dict(issue["fields"], description="plain")),
                         ("label with space", dict(issue["fields"], labels=["a b"]))]:
        s, _, b = p.call("POST", "/rest/api/3/issue", {"fields": fields}, h)
        c.expect(f"jira rejects {name}", s == 400 and b["stub_error"].startswith("createIssue:"), (s, b))
    for jql, n in [('labels = "intake-C-42"', 1), ("labels = intake-C-42 AND project = SUP", 1), ("labels = nope", 0),
                   ('issue.property[intake].key = "C-42-abc"', 1), ('issue.property[intake].key = "zzz"', 0),
                   ('labels in (x, "intake") ORDER BY created DESC', 1)]:
        s, _, b = p.call("POST", "/rest/api/3/search/jql", {"jql": jql, "fields": ["summary", "labels"], "properties": ["intake"]}, h)
        c.expect(f"jira search {jql}", s == 200 and len(b["issues"]) == n, (s, b))
    s, _, b = p.call("GET", "/rest/api/3/search/jql?jql=" + quote('labels = "intake"'), None, h)
    c.expect("jira search GET", s == 200 and b["issues"][0]["key"] == "SUP-1", (s, b))
    c.expect("jira search bad maxResults", p.call("POST", "/rest/api/3/search/jql", {"jql": "labels = x", "maxResults": "fifty"}, h)[0] == 400)
    c.expect("jira search unsupported JQL", p.call("POST", "/rest/api/3/search/jql", {"jql": "assignee = me"}, h)[0] == 501)
    c.expect("jira comment", p.call("POST", "/rest/api/3/issue/SUP-1/comment", {"body": ADF}, h)[0] == 201)
    c.expect("jira comment not ADF", p.call("POST", "/rest/api/3/issue/SUP-1/comment", {"body": "hi"}, h)[0] == 400)
    c.expect("jira comment unknown issue", p.call("POST", "/rest/api/3/issue/SUP-99/comment", {"body": ADF}, h)[0] == 404)
    s, _, b = p.call("GET", "/rest/api/3/issue/SUP-1/transitions", None, h)
    c.expect("jira transitions", s == 200 and {t["name"] for t in b["transitions"]} >= {"Done"}, (s, b))
    c.expect("jira transition string", p.call("POST", "/rest/api/3/issue/SUP-1/transitions", {"transition": "31"}, h)[0] == 400)
    c.expect("jira transition bad id", p.call("POST", "/rest/api/3/issue/SUP-1/transitions", {"transition": {"id": "99"}}, h)[0] == 400)
    c.expect("jira transition", p.call("POST", "/rest/api/3/issue/SUP-1/transitions", {"transition": {"id": "31"}}, h)[0] == 204)
    c.expect("jira property new", p.call("PUT", "/rest/api/3/issue/SUP-1/properties/extra", {"a": 1}, h)[0] == 201)
    c.expect("jira property update", p.call("PUT", "/rest/api/3/issue/SUP-1/properties/extra", {"a": 2}, h)[0] == 200)
    s, _, b = p.call("GET", "/rest/api/3/issue/SUP-1/properties/extra", None, h)
    c.expect("jira property get", s == 200 and b == {"key": "extra", "value": {"a": 2}}, (s, b))
    c.expect("jira property missing", p.call("GET", "/rest/api/3/issue/SUP-1/properties/none", None, h)[0] == 404)
    c.expect("jira property not JSON", p.call("PUT", "/rest/api/3/issue/SUP-1/properties/x", b"{nope", h)[0] == 400)
    state = p.call("GET", "/_stub/state")[2]["jira"]["issues"][0]
    c.expect("jira state", state["status"] == "Done" and len(state["comments"]) == 1 and state["properties"]["extra"] == {"a": 2}, state)


def zendesk(p, c):
    h = {"Authorization": ZD_BASIC}
    body = {"ticket": {"subject": "Complaint", "comment": {"body": "It broke"}, "priority": "high",
                       "external_id": "C-42-abc", "tags": ["intake"], "requester": {"name": "A", "email": "a@example.com"}}}
    s, hd, b = p.call("POST", "/api/v2/tickets", body, dict(h, **{"Idempotency-Key": "k1"}))
    c.expect("zendesk create", s == 201 and b["ticket"]["id"] == 1 and hd.get("x-idempotency-lookup") == "miss", (s, hd, b))
    s, hd, b = p.call("POST", "/api/v2/tickets.json", body, dict(h, **{"Idempotency-Key": "k1"}))
    c.expect("zendesk idempotent hit", s == 201 and b["ticket"]["id"] == 1 and hd.get("x-idempotency-lookup") == "hit", (s, hd, b))
    other = {"ticket": dict(body["ticket"], subject="Other")}
    c.expect("zendesk idempotency mismatch", p.call("POST", "/api/v2/tickets", other, dict(h, **{"Idempotency-Key": "k1"}))[0] == 400)
    c.expect("zendesk password auth", p.call("POST", "/api/v2/tickets", body, {"Authorization": BASIC})[0] == 401)
    for name, bad in [("bogus priority", {"ticket": dict(body["ticket"], priority="bogus")}),
                      ("missing comment", {"ticket": {"subject": "x"}}), ("ticket string", {"ticket": "x"})]:
        s, _, b = p.call("POST", "/api/v2/tickets", bad, h)
        c.expect(f"zendesk rejects {name}", s == 400 and "CreateTicket" in b["stub_error"], (s, b))
    c.expect("zendesk bad ticket id", p.call("PUT", "/api/v2/tickets/abc", {"ticket": {}}, h)[0] == 400)
    s, _, b = p.call("PUT", "/api/v2/tickets/1.json", {"ticket": {"comment": {"body": "more", "public": False}, "status": "solved"}}, h)
    c.expect("zendesk update", s == 200 and b["ticket"]["status"] == "solved", (s, b))
    c.expect("zendesk update bogus status", p.call("PUT", "/api/v2/tickets/1", {"ticket": {"status": "bogus"}}, h)[0] == 400)
    c.expect("zendesk update unknown", p.call("PUT", "/api/v2/tickets/77", {"ticket": {"status": "open"}}, h)[0] == 404)
    s, _, b = p.call("GET", "/api/v2/tickets/1/comments", None, h)
    c.expect("zendesk comments", s == 200 and len(b["comments"]) == 2, (s, b))
    for q, n in [("type:ticket external_id:C-42-abc", 1), ('external_id:"C-42-abc"', 1), ("external_id:nope", 0)]:
        s, _, b = p.call("GET", "/api/v2/search.json?query=" + quote(q), None, h)
        c.expect(f"zendesk search {q}", s == 200 and b["count"] == n, (s, b))
    c.expect("zendesk search without query", p.call("GET", "/api/v2/search", None, h)[0] == 400)


def github(p, c):
    h = {"Authorization": "Bearer ghs_x"}
    s, _, b = p.call("POST", "/repos/acme/support/issues", {"title": "Complaint", "body": "x\nintake-key:C-42-abc", "labels": ["intake"]}, h)
    c.expect("github create", s == 201 and b["number"] == 1 and b["html_url"] == "https://github.com/acme/support/issues/1", (s, b))
    c.expect("github token scheme", p.call("POST", "/repos/acme/support/issues", {"title": "t"}, {"Authorization": "token x"})[0] == 201)
    c.expect("github no auth", p.call("POST", "/repos/acme/support/issues", {"title": "t"})[0] == 401)
    for name, bad in [("missing title", {"body": "x"}), ("labels string", {"title": "t", "labels": "x"}), ("title int", {"title": 5})]:
        c.expect(f"github rejects {name}", p.call("POST", "/repos/acme/support/issues", bad, h)[0] == 400)
    c.expect("github comment", p.call("POST", "/repos/acme/support/issues/1/comments", {"body": "hi"}, h)[0] == 201)
    c.expect("github comment no body", p.call("POST", "/repos/acme/support/issues/1/comments", {}, h)[0] == 400)
    s, _, b = p.call("PATCH", "/repos/acme/support/issues/1", {"state": "closed"}, h)
    c.expect("github close", s == 200 and b["state"] == "closed" and b["closed_at"], (s, b))
    c.expect("github bad state", p.call("PATCH", "/repos/acme/support/issues/1", {"state": "done"}, h)[0] == 400)
    for q, n in [('repo:acme/support "intake-key:C-42-abc" in:body', 1), ('repo:acme/other "intake-key:C-42-abc" in:body', 0),
                 ('repo:acme/support "intake-key:C-42-abc" in:title', 0), ('repo:acme/support is:issue is:closed "C-42-abc"', 1)]:
        s, _, b = p.call("GET", "/search/issues?q=" + quote(q), None, h)
        c.expect(f"github search {q}", s == 200 and b["total_count"] == n, (s, b))
    c.expect("github search without q", p.call("GET", "/search/issues", None, h)[0] == 400)


def linear(p, c):
    h = {"Authorization": "lin_api_x"}

    def gql(query, variables=None, headers=h):
        return p.call("POST", "/graphql", {"query": query, "variables": variables or {}}, headers)

    create = """mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url state { name } } } }"""
    iid = "3f1e4c1a-8a8e-4c55-9a1e-0d9f7f3b6a01"
    s, _, b = gql(create, {"input": {"teamId": "team-uuid", "title": "Complaint", "priority": 1, "id": iid}})
    c.expect("linear create", s == 200 and b["data"]["issueCreate"]["issue"]["identifier"] == "ENG-1"
             and b["data"]["issueCreate"]["issue"]["id"] == iid, (s, b))
    s, _, b = gql(create, {"input": {"teamId": "team-uuid", "title": "Again", "id": iid}})
    c.expect("linear duplicate id", s == 200 and b["data"] is None and "already exists" in b["errors"][0]["message"], (s, b))
    c.expect("linear no auth", gql(create, {"input": {"teamId": "t"}}, {})[0] == 401)
    c.expect("linear bearer api key", gql(create, {"input": {"teamId": "t"}}, {"Authorization": "Bearer lin_api_x"})[0] == 401)
    s, _, b = gql("mutation { issueCreate(input: {teamIdd: \"x\"}) { success } }")
    c.expect("linear typo field", s == 400 and "teamIdd" in b["stub_error"] and b["errors"], (s, b))
    c.expect("linear bad variable", gql(create, {"input": {"teamId": "t", "priority": "high"}})[0] == 400)
    c.expect("linear missing teamId", gql(create, {"input": {"title": "t"}})[0] == 400)
    c.expect("linear syntax", gql("mutation { issueCreate(")[0] == 400)
    url = "https://gateway.example/cases/C-42"
    s, _, b = gql("""mutation($i: AttachmentCreateInput!) { attachmentCreate(input: $i) { success attachment { id url issue { identifier } } } }""",
                  {"i": {"issueId": iid, "url": url, "title": "Case C-42"}})
    c.expect("linear attachment", s == 200 and b["data"]["attachmentCreate"]["attachment"]["issue"]["identifier"] == "ENG-1", (s, b))
    q = """query($u: String!) { issues(filter: {attachments: {url: {eq: $u}}}) { nodes { id identifier attachments { nodes { url } } } } }"""
    s, _, b = gql(q, {"u": url})
    c.expect("linear find by attachment", s == 200 and [n["id"] for n in b["data"]["issues"]["nodes"]] == [iid], (s, b))
    s, _, b = gql(q, {"u": url + "x"})
    c.expect("linear find none", s == 200 and b["data"]["issues"]["nodes"] == [], (s, b))
    s, _, b = gql("""mutation { commentCreate(input: {issueId: "ENG-1", body: "hi"}) { success comment { id body } } }""")
    c.expect("linear comment", s == 200 and b["data"]["commentCreate"]["success"], (s, b))
    s, _, b = gql("""mutation { issueUpdate(id: "%s", input: {stateId: "done-state"}) { success issue { state { id } } } }""" % iid)
    c.expect("linear update", s == 200 and b["data"]["issueUpdate"]["issue"]["state"]["id"] == "done-state", (s, b))
    s, _, b = gql("""mutation { commentCreate(input: {issueId: "ENG-99", body: "hi"}) { success } }""")
    c.expect("linear comment unknown issue", s == 200 and b["errors"], (s, b))
    c.expect("linear unsupported root", gql("query { viewer { id } }")[0] == 501)
    c.expect("linear unsupported filter", gql('query { issues(filter: {assignee: {id: {eq: "x"}}}) { nodes { id } } }')[0] == 501)
    state = p.call("GET", "/_stub/state")[2]["linear"]["issues"][0]
    c.expect("linear state", len(state["attachments"]) == 1 and len(state["comments"]) == 1 and state["stateId"] == "done-state", state)


def twilio(p, c):
    h = {"Authorization": TW_BASIC}
    msgs = f"/2010-04-01/Accounts/{SID}/Messages.json"
    s, _, b = p.call("POST", msgs, None, h, form={"To": "+15551230000", "From": "+15559870000", "Body": "Case C-42"})
    c.expect("twilio sms", s == 201 and re.fullmatch(r"SM[0-9a-f]{32}", b["sid"]) and b["status"] == "queued", (s, b))
    s, _, b = p.call("POST", f"/2010-04-01/Accounts/{SID}/Calls.json", None, h,
                     form={"To": "+15551230000", "From": "+15559870000", "Twiml": "<Response><Say>hi</Say></Response>"})
    c.expect("twilio call", s == 201 and re.fullmatch(r"CA[0-9a-f]{32}", b["sid"]), (s, b))
    c.expect("twilio no auth", p.call("POST", msgs, None, {}, form={"To": "+1555", "Body": "x"})[0] == 401)
    bad_sid = "/2010-04-01/Accounts/XYZ/Messages.json"
    c.expect("twilio bad AccountSid", p.call("POST", bad_sid, None, {"Authorization": "Basic " + base64.b64encode(b"XYZ:t").decode()},
                                            form={"To": "+15551230000", "From": "+15559870000", "Body": "x"})[0] == 400)
    for name, form, path in [("missing To", {"From": "+15559870000", "Body": "x"}, msgs),
                             ("missing From", {"To": "+15551230000", "Body": "x"}, msgs),
                             ("missing Body", {"To": "+15551230000", "From": "+15559870000"}, msgs),
                             ("Timeout abc", {"To": "+15551230000", "From": "+15559870000", "Url": "https://x", "Timeout": "abc"},
                              f"/2010-04-01/Accounts/{SID}/Calls.json")]:
        s, _, b = p.call("POST", path, None, h, form=form)
        c.expect(f"twilio rejects {name}", s == 400, (s, b))


def slack(p, c):
    h = {"Authorization": "Bearer xoxb-1"}
    s, _, b = p.call("POST", "/api/chat.postMessage", None, h, form={"channel": "C123", "text": "hi", "mrkdwn": "true"})
    c.expect("slack form", s == 200 and b["ok"] and b["channel"] == "C123" and b["ts"], (s, b))
    s, _, b = p.call("POST", "/api/chat.postMessage", {"channel": "C123", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}, h)
    c.expect("slack json blocks", s == 200 and b["ok"], (s, b))
    for name, body in [("missing channel", {"text": "x"}), ("typo key", {"channel": "C1", "txt": "x"}),
                       ("blocks object", {"channel": "C1", "blocks": {"a": 1}}), ("no text", {"channel": "C1"})]:
        c.expect(f"slack rejects {name}", p.call("POST", "/api/chat.postMessage", body, h)[0] == 400)
    c.expect("slack rejects bad bool", p.call("POST", "/api/chat.postMessage", None, h, form={"channel": "C1", "text": "x", "mrkdwn": "maybe"})[0] == 400)
    c.expect("slack no auth", p.call("POST", "/api/chat.postMessage", {"channel": "C1", "text": "x"})[0] == 401)


def webhooks_and_control(p, c):
    s, _, _ = p.call("POST", "/hooks/ops", b'{"event":"x"}', {"X-Signature": "sha256=abc", "Content-Type": "application/json"})
    c.expect("webhook", s == 204)
    rec = p.call("GET", "/_stub/requests?provider=webhook")[2]
    c.expect("webhook recorded", rec[-1]["body"] == '{"event":"x"}' and rec[-1]["headers"]["x-signature"] == "sha256=abc", rec)
    recs = p.call("GET", "/_stub/requests?provider=jira")[2]
    c.expect("auth redacted", all(r["headers"].get("authorization") in (None, "<redacted>") for r in recs) and recs, recs[:1])
    c.expect("invalid recorded", any(r["valid"] is False and r["status"] == 400 and r["error"] for r in recs))
    c.expect("unknown path", p.call("GET", "/nope")[0] == 404)
    c.expect("wrong method", p.call("DELETE", "/rest/api/3/issue")[0] == 405)


def scenarios(p, c):
    h = {"Authorization": BASIC}
    issue = {"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "s", "labels": ["scn"]}}
    p.call("POST", "/_stub/scenario", {"provider": "jira", "operation": "createIssue", "responses": [
        {"status": 503, "body": "down", "count": 2}, {"status": 429, "headers": {"Retry-After": "1"}}]})
    c.expect("scenario invalid still 400", p.call("POST", "/rest/api/3/issue", {"fields": 1}, h)[0] == 400)
    statuses = [p.call("POST", "/rest/api/3/issue", issue, h)[:2] for _ in range(4)]
    c.expect("scenario 503,503,429,201", [s for s, _ in statuses] == [503, 503, 429, 201] and statuses[2][1].get("Retry-After") == "1",
             statuses)
    p.call("POST", "/_stub/scenario", {"provider": "jira", "operation": "createIssue", "responses": [{"status": 500, "after_effect": True}]})
    s = p.call("POST", "/rest/api/3/issue", issue, h)[0]
    n = len(p.call("POST", "/rest/api/3/search/jql", {"jql": "labels = scn"}, h)[2]["issues"])
    c.expect("after_effect", s == 500 and n == 2, (s, n))
    p.call("POST", "/_stub/scenario", {"provider": "zendesk", "operation": "CreateTicket", "responses": [{"delay_ms": 800}]})
    start = time.monotonic()
    try:
        p.call("POST", "/api/v2/tickets", {"ticket": {"comment": {"body": "slow"}, "external_id": "slow-1"}}, {"Authorization": ZD_BASIC}, timeout=0.3)
        timed_out = False
    except (socket.timeout, TimeoutError, urllib.error.URLError):
        timed_out = True
    c.expect("delay_ms makes the client time out", timed_out and time.monotonic() - start < 0.7)
    time.sleep(0.8)
    s, _, b = p.call("GET", "/api/v2/search?query=external_id:slow-1", None, {"Authorization": ZD_BASIC})
    c.expect("delayed create still happened", b["count"] == 1, b)
    p.call("POST", "/_stub/scenario", {"provider": "linear", "operation": "issueCreate", "responses": [{"status": 502}]})
    s = p.call("POST", "/graphql", {"query": 'mutation { issueCreate(input: {teamId: "OPS", title: "x"}) { success } }'},
               {"Authorization": "lin_api_x"})[0]
    c.expect("linear scenario", s == 502)
    c.expect("bad scenario", p.call("POST", "/_stub/scenario", {"provider": "nope", "responses": []})[0] == 400)
    p.call("POST", "/_stub/reset")
    st = p.call("GET", "/_stub/state")[2]
    c.expect("reset", not st["jira"]["issues"] and not p.call("GET", "/_stub/requests")[2] and not p.call("GET", "/_stub/scenario")[2])


def latency(specs, c):
    p = Peer(specs, "--latency-ms", "200")
    try:
        start = time.monotonic()
        s = p.call("POST", "/hooks/x", b"{}")[0]
        c.expect("latency", s == 204 and time.monotonic() - start >= 0.2)
    finally:
        p.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", default=os.environ.get("INTAKE_SPECS", os.path.join(HERE, "..", "..", "..", "shared", "specs")))
    args = parser.parse_args()
    c = Checks()
    p = Peer(os.path.abspath(args.specs))
    print(f"stub started in {p.startup:.2f}s")
    try:
        for section in (jira, zendesk, github, linear, twilio, slack, webhooks_and_control, scenarios):
            section(p, c)
    finally:
        p.stop()
    latency(os.path.abspath(args.specs), c)
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
