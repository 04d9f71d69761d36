#!/usr/bin/env python3
"""Test peer standing in for the trackers and notifiers IntakeGateway calls.

Every provider request is checked against the provider's published API description
(OpenAPI via openapi-core, Linear via graphql-core, Slack via a jsonschema built from the
spec's formData parameters), then served from a small in-memory model. See README.md.

    python3 Tests/Peers/provider_stub.py --specs /path/to/shared/specs [--port 0] [--latency-ms 0]

Prints exactly one line, ``LISTENING <port>``, on stdout once every spec is loaded.
"""

from __future__ import annotations

import argparse
import base64
import copy
import email.utils
import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import graphql
import jsonschema
import yaml
from graphql.execution.values import get_variable_values
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest

CACHE_FORMAT = "1"


# --------------------------------------------------------------------------------------
# Small helpers: responses, errors, clocks
# --------------------------------------------------------------------------------------

class Response:
    """An HTTP answer: status, headers and body bytes."""

    def __init__(self, status, body=b"", headers=None, content_type=None):
        self.status = status
        self.headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode()
        self.body = body
        if content_type and body:
            self.headers.setdefault("Content-Type", content_type)


def json_response(status, obj, headers=None):
    """A Response carrying `obj` as JSON."""
    return Response(status, json.dumps(obj).encode(), headers, "application/json; charset=utf-8")


class Invalid(Exception):
    """The request does not satisfy the provider's API description (answered 400, valid=false)."""

    def __init__(self, message, body=None, status=400):
        super().__init__(message)
        self.message = message
        self.body = body
        self.status = status


class Unsupported(Exception):
    """A well-formed request the stub cannot model (answered 501, valid=true)."""


def utc_now():
    return datetime.now(timezone.utc)


def iso_z(ms=False):
    now = utc_now()
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z" if ms else now.strftime("%Y-%m-%dT%H:%M:%SZ")


def jira_time():
    now = utc_now()
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


def rfc2822():
    return email.utils.format_datetime(utc_now(), usegmt=False).replace("-0000", "+0000")


def describe_openapi_error(exc):
    """One line naming what openapi-core found wrong, including each schema error."""
    messages, node = [], exc
    while node is not None:
        schema_errors = getattr(node, "schema_errors", None)
        if schema_errors:
            fields = "; ".join(f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in schema_errors)
            return f"{re.split(r': Value ', str(exc))[0]}: {fields}"
        if str(node) and not any(str(node) in m for m in messages):
            messages.append(str(node))
        node = node.__cause__
    return ": ".join(messages) or type(exc).__name__


# --------------------------------------------------------------------------------------
# Incoming request
# --------------------------------------------------------------------------------------

class Req:
    """One incoming provider request as the providers see it."""

    def __init__(self, method, raw_path, headers, body, server_port):
        split = urlsplit(raw_path)
        self.method = method.upper()
        self.path = split.path
        self.query = split.query
        self.query_pairs = parse_qsl(split.query, keep_blank_values=True)
        self.raw_headers = headers  # list of (name, value)
        self.headers = {}
        for name, value in headers:
            key = name.lower()
            self.headers[key] = value if key not in self.headers else self.headers[key] + ", " + value
        self.body = body
        self.params = {}
        self.provider = None
        self.operation = None
        self.base_url = "http://" + self.headers.get("host", f"127.0.0.1:{server_port}")
        self._json = None

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def media_type(self):
        return self.header("content-type", "").split(";")[0].strip().lower()

    def arg(self, name, default=None):
        for key, value in self.query_pairs:
            if key == name:
                return value
        return default

    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body or b"null")
            except ValueError as exc:
                raise Invalid(f"body is not valid JSON: {exc}")
        return self._json

    def form(self):
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)


def basic_credentials(req):
    """(user, password) from a Basic Authorization header, or None."""
    value = req.header("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, password) if sep and user and password else None


def token_credential(req, schemes):
    """The token of an Authorization header using one of `schemes` (lower case), or None."""
    scheme, _, token = req.header("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() in schemes else None


# --------------------------------------------------------------------------------------
# Spec loading (with a JSON cache for the two slow ones)
# --------------------------------------------------------------------------------------

class SpecCache:
    """JSON cache of derived spec data, keyed by the spec file's SHA-256."""

    def __init__(self, enabled=True):
        base = os.environ.get("PROVIDER_STUB_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "intake-provider-stub")
        self.dir = base if enabled else None

    def path_for(self, kind, spec_path, extra=""):
        if not self.dir:
            return None
        with open(spec_path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:20]
        return os.path.join(self.dir, f"{kind}-{digest}-{CACHE_FORMAT}{extra}.json")

    @staticmethod
    def read(path):
        if not path:
            return None
        try:
            with open(path, "rb") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    @staticmethod
    def write(path, obj):
        if not path:
            return
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "w") as fh:  # YAML dates (only in Zendesk's examples) become ISO strings
                json.dump(obj, fh, default=lambda o: o.isoformat() if hasattr(o, "isoformat") else str(o))
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass


def load_yaml_with_value_tag(path):
    """Zendesk's oas.yaml needs a constructor for the '=' (tag:yaml.org,2002:value) scalars."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = type("ZendeskLoader", (base,), {})
    loader.add_constructor("tag:yaml.org,2002:value", lambda ld, node: ld.construct_scalar(node))
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=loader)


def linear_cache_path(cache, sdl_path):
    return cache.path_for("linear-introspection", sdl_path, "-gql" + graphql.version)


def zendesk_cache_path(cache, yaml_path):
    return cache.path_for("zendesk-oas", yaml_path)


def write_caches(specs_dir):
    """Build the slow caches (run in a detached child process on a cold start)."""
    cache = SpecCache()
    zpath = os.path.join(specs_dir, "zendesk", "oas.yaml")
    zc = zendesk_cache_path(cache, zpath)
    if SpecCache.read(zc) is None:
        SpecCache.write(zc, load_yaml_with_value_tag(zpath))
    lpath = os.path.join(specs_dir, "linear", "schema.graphql")
    lc = linear_cache_path(cache, lpath)
    if SpecCache.read(lc) is None:
        with open(lpath) as fh:
            schema = graphql.build_schema(fh.read(), assume_valid_sdl=True)
        SpecCache.write(lc, graphql.introspection_from_schema(schema))


class OpenAPIValidator:
    """Validates requests against one OpenAPI 3 document with openapi-core."""

    def __init__(self, spec, host_url, keep_paths):
        spec = dict(spec)
        spec["paths"] = {p: spec["paths"][p] for p in keep_paths}  # fewer paths: faster lookups
        self.api = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        self.host_url = host_url
        self.lock = threading.Lock()

    def validate(self, req, spec_path, path_params):
        content_type = req.header("content-type") or "application/json"
        mock = MockRequest(self.host_url, req.method.lower(), spec_path, path_pattern=spec_path,
                           args=req.query_pairs, view_args=path_params,
                           headers={n: v for n, v in req.raw_headers}, data=req.body,
                           content_type=content_type)
        try:
            with self.lock:
                self.api.validate_request(mock)
        except Exception as exc:  # openapi-core raises a family of OpenAPIError subclasses
            raise Invalid(describe_openapi_error(exc))


# --------------------------------------------------------------------------------------
# Provider base
# --------------------------------------------------------------------------------------

class Route:
    """One (method, path template) the stub serves, with its spec operation."""

    def __init__(self, method, template, operation, handler, spec_path=None, check=None, json_suffix=False):
        self.method = method
        self.template = template
        self.operation = operation
        self.handler = handler
        self.spec_path = spec_path or template
        self.check = check
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+?)" for i, p in enumerate(parts))
        self.regex = re.compile("^" + pattern + (r"(?:\.json)?" if json_suffix else "") + "$")


class Provider:
    """Common routing, validation and state plumbing for one provider."""

    name = ""

    def __init__(self, specs_dir, cache, lock):
        self.specs_dir = specs_dir
        self.cache = cache
        self.lock = lock  # the stub-wide state lock
        self.ready = threading.Event()
        self.routes = []
        self.validator = None
        self.reset()

    # --- set-up
    def route(self, method, template, operation, handler, **kw):
        self.routes.append(Route(method, template, operation, handler, **kw))

    def spec_file(self, *parts):
        return os.path.join(self.specs_dir, *parts)

    def load(self):
        self.ready.set()

    def reset(self):
        pass

    def state(self):
        return {}

    # --- per request
    def match(self, method, path):
        """(route, params) for a match; (None, allowed_methods) when only the path matches."""
        allowed = []
        for route in self.routes:
            m = route.regex.match(path)
            if not m:
                continue
            if route.method == method:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
            allowed.append(route.method)
        return None, allowed

    def authenticate(self, req):
        """An error message when the request's credentials are missing or malformed."""
        return None

    def unauthorized(self, req, message):
        return json_response(401, {"stub_error": f"{req.operation}: {message}"})

    def prepare(self, req, route):
        """Validate the request; return whatever `perform` needs (raises Invalid/Unsupported)."""
        if self.validator is not None:
            self.validator.validate(req, route.spec_path, req.params)
        body = self.parse_body(req)
        if route.check:
            route.check(req, body)
        return body

    def parse_body(self, req):
        return req.json() if req.body and req.media_type == "application/json" else None

    def perform(self, req, route, prepared):
        return route.handler(req, prepared)


# --------------------------------------------------------------------------------------
# Jira Cloud platform REST v3
# --------------------------------------------------------------------------------------

JIRA_STATUSES = {"10000": ("To Do", "new", "To Do"), "3": ("In Progress", "indeterminate", "In Progress"),
                 "10001": ("Done", "done", "Done")}
JIRA_TRANSITIONS = [("11", "To Do", "10000"), ("21", "In Progress", "3"), ("31", "Done", "10001")]


def adf_problem(value, where):
    """Why `value` is not an Atlassian Document Format document (None when it is one)."""
    if not isinstance(value, dict) or value.get("type") != "doc":
        return f"{where}: Operation value must be an Atlassian Document (see the Atlassian Document Format)"
    if value.get("version") != 1:
        return f"{where}: ADF document must have version 1"

    def walk(node, path):
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            return f"{path}: ADF node must be an object with a string 'type'"
        if node["type"] == "text" and not (isinstance(node.get("text"), str) and node["text"]):
            return f"{path}: ADF text node needs a non-empty 'text'"
        content = node.get("content")
        if content is None:
            return None
        if not isinstance(content, list):
            return f"{path}.content: must be an array"
        for i, child in enumerate(content):
            problem = walk(child, f"{path}.content[{i}]")
            if problem:
                return problem
        return None

    if not isinstance(value.get("content"), list):
        return f"{where}.content: must be an array"
    return walk(value, where)


class JQL:
    """The JQL subset the gateway needs: clauses joined by AND, optional ORDER BY (ignored).

    Fields: labels, project, key/issue/id, status, summary (~ only) and
    issue.property[NAME] / issue.property[NAME].PATH. Operators: =, !=, IN (...), NOT IN (...), ~.
    """

    TOKEN = re.compile(r"""\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|!~|>=|<=|=|~|>|<)|([(),])|([^\s=!~<>(),"']+))""")

    def __init__(self, text):
        self.text = text
        self.tokens = self.tokenize(text)
        self.pos = 0
        self.clauses = self.parse()

    def tokenize(self, text):
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = self.TOKEN.match(text, pos)
            if not m:
                raise Invalid(f"JQL: cannot parse near {text[pos:pos + 20]!r}")
            quoted, op, punct, word = m.groups()
            if quoted is not None:
                tokens.append(("str", re.sub(r"\\(.)", r"\1", quoted[1:-1])))
            elif op:
                tokens.append(("op", op))
            elif punct:
                tokens.append(("punct", punct))
            else:
                tokens.append(("word", word))
            pos = m.end()
        return tokens

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def parse(self):
        clauses = []
        while self.pos < len(self.tokens):
            kind, val = self.peek()
            if kind == "word" and val.lower() == "order":
                break  # ORDER BY ... is ignored
            clauses.append(self.clause())
            kind, val = self.peek()
            if kind is None or (kind == "word" and val.lower() == "order"):
                break
            if kind == "word" and val.lower() == "and":
                self.take()
                continue
            raise Unsupported(f"JQL: only AND-joined clauses are supported, got {val!r}")
        if not clauses:
            raise Invalid("JQL: unbounded JQL queries are not allowed here")
        return clauses

    def clause(self):
        kind, field = self.take()
        if kind not in ("word", "str"):
            raise Unsupported(f"JQL: expected a field name, got {field!r}")
        kind, op = self.take()
        if kind == "word" and op.lower() == "not":
            kind2, op2 = self.take()
            if not (kind2 == "word" and op2.lower() == "in"):
                raise Invalid("JQL: expected IN after NOT")
            op, kind = "not in", "op"
        elif kind == "word" and op.lower() == "in":
            op, kind = "in", "op"
        if kind != "op" or op not in ("=", "!=", "~", "in", "not in"):
            raise Unsupported(f"JQL: operator {op!r} is not supported by the stub")
        if op in ("in", "not in"):
            if self.take() != ("punct", "("):
                raise Invalid("JQL: expected '(' after IN")
            values = []
            while True:
                kind, val = self.take()
                if kind not in ("word", "str"):
                    raise Invalid("JQL: bad IN list")
                values.append(val)
                kind, val = self.take()
                if (kind, val) == ("punct", ")"):
                    break
                if (kind, val) != ("punct", ","):
                    raise Invalid("JQL: bad IN list")
        else:
            kind, val = self.take()
            if kind not in ("word", "str"):
                raise Invalid(f"JQL: expected a value after {op}")
            values = [val]
        self.check_field(field)
        return field, op, values

    @staticmethod
    def check_field(field):
        low = field.lower()
        if low in ("labels", "project", "key", "issue", "id", "issuekey", "status", "summary"):
            return
        if re.fullmatch(r"issue\.property\[[^\]]+\](\.[\w.-]+)?", field, re.I):
            return
        raise Unsupported(f"JQL: field {field!r} is not supported by the stub "
                          "(labels, project, key, status, summary, issue.property[..])")

    @staticmethod
    def values_of(issue, field):
        low = field.lower()
        if low == "labels":
            return issue["labels"], False
        if low == "project":
            return [issue["project"]], True
        if low in ("key", "issue", "id", "issuekey"):
            return [issue["key"], issue["id"]], True
        if low == "status":
            return [issue["status"]], True
        if low == "summary":
            return [issue["summary"]], True
        m = re.fullmatch(r"issue\.property\[([^\]]+)\](?:\.([\w.-]+))?", field, re.I)
        value = issue["properties"].get(m.group(1))
        for part in (m.group(2) or "").split("."):
            if part:
                value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return [], False
        values = value if isinstance(value, list) else [value]
        return [json.dumps(v) if isinstance(v, bool) else str(v) for v in values], False

    def matches(self, issue):
        for field, op, wanted in self.clauses:
            have, fold = self.values_of(issue, field)
            if op == "~":
                if not any(wanted[0].lower() in h.lower() for h in have):
                    return False
                continue
            norm = (lambda s: s.lower()) if fold else (lambda s: s)
            hit = any(norm(w) == norm(h) for w in wanted for h in have)
            if (op in ("=", "in")) != hit:
                return False
        return True


class JiraProvider(Provider):
    """Jira Cloud REST v3: issues, JQL search, comments, transitions, entity properties."""

    name = "jira"
    ISSUE = "/rest/api/3/issue/{issueIdOrKey}"

    def __init__(self, *a):
        super().__init__(*a)
        r, i = self.route, self.ISSUE
        r("POST", "/rest/api/3/issue", "createIssue", self.create_issue, check=self.check_create)
        r("GET", i, "getIssue", self.get_issue)
        r("POST", "/rest/api/3/search/jql", "searchAndReconsileIssuesUsingJqlPost", self.search)
        r("GET", "/rest/api/3/search/jql", "searchAndReconsileIssuesUsingJql", self.search)
        r("POST", i + "/comment", "addComment", self.add_comment, check=self.check_comment)
        r("GET", i + "/comment", "getComments", self.get_comments)
        r("GET", i + "/transitions", "getTransitions", self.get_transitions)
        r("POST", i + "/transitions", "doTransition", self.do_transition, check=self.check_transition)
        r("GET", i + "/properties/{propertyKey}", "getIssueProperty", self.get_property)
        r("PUT", i + "/properties/{propertyKey}", "setIssueProperty", self.set_property, check=self.check_property)

    def load(self):
        with open(self.spec_file("jira", "swagger-v3.v3.json"), "rb") as fh:
            spec = json.load(fh)
        self.validator = OpenAPIValidator(spec, "https://your-domain.atlassian.net", {r.spec_path for r in self.routes})
        self.ready.set()

    def reset(self):
        self.issues = []
        self.ids = itertools.count(10001)
        self.comment_ids = itertools.count(10001)
        self.numbers = {}

    def state(self):
        return {"issues": copy.deepcopy(self.issues)}

    def authenticate(self, req):
        return None if basic_credentials(req) else "Basic authentication (email:api_token) is required"

    # --- semantic checks the spec cannot express (Jira's own 400s)
    def check_create(self, req, body):
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            raise Invalid("fields: is required")
        project = fields.get("project")
        if not (isinstance(project, dict) and (project.get("key") or project.get("id"))):
            raise Invalid("fields.project: Specify a valid project ID or key ({\"key\": ...} or {\"id\": ...})")
        issuetype = fields.get("issuetype")
        if not (isinstance(issuetype, dict) and (issuetype.get("id") or issuetype.get("name"))):
            raise Invalid("fields.issuetype: Specify an issue type ({\"id\": ...} or {\"name\": ...})")
        summary = fields.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise Invalid("fields.summary: You must specify a summary of the issue (non-empty string)")
        if len(summary) > 255:
            raise Invalid("fields.summary: Summary must be less than 255 characters")
        if fields.get("description") is not None:
            problem = adf_problem(fields["description"], "fields.description")
            if problem:
                raise Invalid(problem)
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise Invalid("fields.labels: must be an array of strings")
        for label in labels:
            if not label or re.search(r"\s", label) or len(label) > 255:
                raise Invalid(f"fields.labels: The label '{label}' contains spaces which is invalid.")
        for prop in body.get("properties") or []:
            if not isinstance(prop, dict) or not prop.get("key"):
                raise Invalid("properties: each entity property needs a key")
        if isinstance(body.get("transition"), dict):
            self.check_transition(req, {"transition": body["transition"]})

    def check_comment(self, req, body):
        problem = adf_problem(body.get("body"), "body")
        if problem:
            raise Invalid(problem)

    def check_transition(self, req, body):
        transition = body.get("transition")
        tid = str(transition.get("id", "")) if isinstance(transition, dict) else ""
        if not tid:
            raise Invalid("transition: 'transition' with an 'id' is required")
        if tid not in {t[0] for t in JIRA_TRANSITIONS}:
            raise Invalid(f"transition: Transition id '{tid}' is not valid for this issue.")

    def check_property(self, req, body):
        if len(req.body) > 32768:
            raise Invalid("The property value must not exceed 32768 bytes")
        if len(req.params["propertyKey"]) > 255:
            raise Invalid("The property key must not exceed 255 characters")
        if not req.body.strip():
            raise Invalid("The property value must be a non-empty JSON value")

    # --- model
    def find(self, key_or_id):
        for issue in self.issues:
            if key_or_id in (issue["key"], issue["id"]) or key_or_id.upper() == issue["key"]:
                return issue
        return None

    def not_found(self):
        return json_response(404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}})

    def issue_fields(self, issue):
        status_id = issue["statusId"]
        name, cat, _ = JIRA_STATUSES[status_id]
        fields = dict(issue["fields"])
        fields.update({"summary": issue["summary"], "labels": list(issue["labels"]),
                       "status": {"id": status_id, "name": name, "statusCategory": {"key": cat, "name": name}},
                       "project": {"key": issue["project"]}, "created": issue["created"], "updated": issue["updated"],
                       "comment": {"total": len(issue["comments"]), "comments": issue["comments"]}})
        return fields

    def apply_transition(self, issue, tid):
        for t_id, _, to_status in JIRA_TRANSITIONS:
            if t_id == tid:
                issue["statusId"] = to_status
                issue["status"] = JIRA_STATUSES[to_status][0]
                issue["updated"] = jira_time()

    def new_comment(self, req, issue, body):
        cid = str(next(self.comment_ids))
        now = jira_time()
        comment = {"id": cid, "self": f"{req.base_url}/rest/api/3/issue/{issue['id']}/comment/{cid}",
                   "author": {"accountId": "stub-account", "displayName": "Stub User"},
                   "body": body, "created": now, "updated": now, "jsdPublic": True}
        issue["comments"].append(comment)
        return comment

    # --- handlers
    def create_issue(self, req, body):
        fields = body["fields"]
        project = fields["project"].get("key") or f"P{fields['project']['id']}"
        number = self.numbers[project] = self.numbers.get(project, 0) + 1
        issue_id = str(next(self.ids))
        now = jira_time()
        issue = {"id": issue_id, "key": f"{project}-{number}", "project": project,
                 "summary": fields["summary"], "description": fields.get("description"),
                 "labels": list(fields.get("labels", [])), "statusId": "10000", "status": "To Do",
                 "properties": {p["key"]: p.get("value") for p in body.get("properties") or []},
                 "comments": [], "created": now, "updated": now,
                 "fields": {k: v for k, v in fields.items() if k not in ("summary", "labels")}}
        self.issues.append(issue)
        if isinstance(body.get("transition"), dict):
            self.apply_transition(issue, str(body["transition"]["id"]))
        return json_response(201, {"id": issue_id, "key": issue["key"], "self": f"{req.base_url}/rest/api/3/issue/{issue_id}"})

    def get_issue(self, req, _):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        return json_response(200, {"id": issue["id"], "key": issue["key"], "self": f"{req.base_url}/rest/api/3/issue/{issue['id']}",
                                   "fields": self.issue_fields(issue), "properties": issue["properties"]})

    def search(self, req, body):
        if req.method == "GET":
            jql, max_results = req.arg("jql", ""), int(req.arg("maxResults", "50"))
            fields = [f for f in req.arg("fields", "").split(",") if f]
            props = [p for p in req.arg("properties", "").split(",") if p]
            token = req.arg("nextPageToken")
        else:
            jql, max_results = body.get("jql") or "", body.get("maxResults") or 50
            fields, props, token = body.get("fields") or [], body.get("properties") or [], body.get("nextPageToken")
        query = JQL(jql)
        hits = [i for i in self.issues if query.matches(i)]
        start = int(token) if token and str(token).isdigit() else 0
        page = hits[start:start + max_results]
        out = {"issues": [self.search_view(req, i, fields, props) for i in page], "isLast": start + max_results >= len(hits)}
        if not out["isLast"]:
            out["nextPageToken"] = str(start + max_results)
        return json_response(200, out)

    def search_view(self, req, issue, fields, props):
        view = {"id": issue["id"], "key": issue["key"], "self": f"{req.base_url}/rest/api/3/issue/{issue['id']}"}
        all_fields = self.issue_fields(issue)
        if any(f in ("*all", "*navigable") for f in fields):
            view["fields"] = all_fields
        elif fields:
            view["fields"] = {f: all_fields.get(f) for f in fields if f not in ("id", "key")}
        if props:
            view["properties"] = {p: issue["properties"][p] for p in props if p in issue["properties"]}
        return view

    def add_comment(self, req, body):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        return json_response(201, self.new_comment(req, issue, body["body"]))

    def get_comments(self, req, _):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        n = len(issue["comments"])
        return json_response(200, {"startAt": 0, "maxResults": n, "total": n, "comments": issue["comments"]})

    def get_transitions(self, req, _):
        if not self.find(req.params["issueIdOrKey"]):
            return self.not_found()
        transitions = []
        for tid, name, to in JIRA_TRANSITIONS:
            sname, cat, _ = JIRA_STATUSES[to]
            transitions.append({"id": tid, "name": name, "hasScreen": False, "isGlobal": True, "isInitial": False,
                                "isAvailable": True, "isConditional": False, "isLooped": False,
                                "to": {"id": to, "name": sname, "statusCategory": {"key": cat, "name": sname}}})
        return json_response(200, {"expand": "transitions", "transitions": transitions})

    def do_transition(self, req, body):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        self.apply_transition(issue, str(body["transition"]["id"]))
        for op in (body.get("update") or {}).get("comment", []):
            if isinstance(op, dict) and isinstance(op.get("add"), dict):
                self.new_comment(req, issue, op["add"].get("body"))
        return Response(204)

    def get_property(self, req, _):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        key = req.params["propertyKey"]
        if key not in issue["properties"]:
            return json_response(404, {"errorMessages": [f"The property with key '{key}' does not exist."], "errors": {}})
        return json_response(200, {"key": key, "value": issue["properties"][key]})

    def set_property(self, req, _):
        issue = self.find(req.params["issueIdOrKey"])
        if not issue:
            return self.not_found()
        key = req.params["propertyKey"]
        existed = key in issue["properties"]
        issue["properties"][key] = json.loads(req.body)
        return Response(200 if existed else 201)


# --------------------------------------------------------------------------------------
# Zendesk Support
# --------------------------------------------------------------------------------------

class ZendeskProvider(Provider):
    """Zendesk Support: tickets (with Idempotency-Key), updates/comments, search, comment list."""

    name = "zendesk"
    IDEMPOTENCY_TTL = 2 * 3600

    def __init__(self, *a):
        super().__init__(*a)
        r, t = self.route, "/api/v2/tickets/{ticket_id}"
        r("POST", "/api/v2/tickets", "CreateTicket", self.create_ticket, check=self.check_create, json_suffix=True)
        r("GET", "/api/v2/tickets", "ListTickets", self.list_tickets, json_suffix=True)
        r("GET", t, "ShowTicket", self.show_ticket, json_suffix=True)
        r("PUT", t, "UpdateTicket", self.update_ticket, check=self.check_update, json_suffix=True)
        r("GET", "/api/v2/search", "ListSearchResults", self.search, json_suffix=True)
        r("GET", t + "/comments", "ListTicketComments", self.list_comments, json_suffix=True)

    def load(self):
        path = self.spec_file("zendesk", "oas.yaml")
        cache_path = zendesk_cache_path(self.cache, path)
        spec = SpecCache.read(cache_path)
        if spec is None:
            spec = load_yaml_with_value_tag(path)
        self.validator = OpenAPIValidator(spec, "https://example.zendesk.com", {r.spec_path for r in self.routes})
        self.ready.set()

    def reset(self):
        self.tickets = []
        self.ids = itertools.count(1)
        self.comment_ids = itertools.count(100001)
        self.idempotency = {}

    def state(self):
        return {"tickets": copy.deepcopy(self.tickets)}

    def authenticate(self, req):
        creds = basic_credentials(req)
        if not creds or not creds[0].endswith("/token"):
            return "Basic authentication '{email}/token:{api_token}' is required"
        return None

    def unauthorized(self, req, message):
        return json_response(401, {"error": "Couldn't authenticate you", "stub_error": f"{req.operation}: {message}"})

    def check_create(self, req, body):
        ticket = body.get("ticket") if isinstance(body, dict) else None
        if not isinstance(ticket, dict):
            raise Invalid("ticket: is required")
        comment = ticket.get("comment")
        if not isinstance(comment, dict) or not (comment.get("body") or comment.get("html_body")):
            raise Invalid("ticket.comment: Description: cannot be blank (comment.body or comment.html_body)")

    def check_update(self, req, body):
        if not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
            raise Invalid("ticket: is required")

    # --- model
    def find(self, ticket_id):
        return next((t for t in self.tickets if str(t["id"]) == str(ticket_id)), None)

    def not_found(self):
        return json_response(404, {"error": "RecordNotFound", "description": "Not found"})

    def view(self, req, ticket):
        out = {k: v for k, v in ticket.items() if k != "comments"}
        out["url"] = f"{req.base_url}/api/v2/tickets/{ticket['id']}.json"
        return out

    def add_comment(self, ticket, comment, default_public=True):
        body = comment.get("body") or re.sub(r"<[^>]+>", "", comment.get("html_body", ""))
        entry = {"id": next(self.comment_ids), "type": "Comment", "author_id": comment.get("author_id", 1),
                 "body": body, "html_body": comment.get("html_body") or f"<p>{body}</p>", "plain_body": body,
                 "public": comment.get("public", default_public), "attachments": [], "created_at": iso_z(),
                 "via": {"channel": "api"}}
        ticket["comments"].append(entry)
        return entry

    @staticmethod
    def requester_id(ticket_in):
        if ticket_in.get("requester_id"):
            return ticket_in["requester_id"]
        requester = ticket_in.get("requester")
        if isinstance(requester, dict) and requester.get("email"):
            return 1000 + int(hashlib.sha1(requester["email"].lower().encode()).hexdigest()[:6], 16)
        return 1

    # --- handlers
    def create_ticket(self, req, body):
        key = req.header("idempotency-key")
        fingerprint = json.dumps(body, sort_keys=True)
        now = time.monotonic()
        if key:
            seen = self.idempotency.get(key)
            if seen and now - seen[2] < self.IDEMPOTENCY_TTL:
                if seen[0] != fingerprint:
                    return json_response(400, {"error": "IdempotentRequestError",
                                               "description": "Request parameters do not match the original request"},
                                         {"x-idempotency-lookup": "hit"})
                ticket = self.find(seen[1])
                if ticket:
                    return json_response(201, {"ticket": self.view(req, ticket)}, {"x-idempotency-lookup": "hit",
                                         "Location": f"{req.base_url}/api/v2/tickets/{ticket['id']}.json"})
        t = body["ticket"]
        stamp = iso_z()
        ticket = {"id": next(self.ids), "external_id": t.get("external_id"), "subject": t.get("subject"),
                  "raw_subject": t.get("raw_subject") or t.get("subject"), "description": None,
                  "status": t.get("status") or "new", "priority": t.get("priority"), "type": t.get("type"),
                  "tags": sorted(set(t.get("tags") or [])), "requester_id": self.requester_id(t),
                  "submitter_id": t.get("submitter_id") or self.requester_id(t), "assignee_id": t.get("assignee_id"),
                  "group_id": t.get("group_id"), "custom_fields": t.get("custom_fields") or [],
                  "via": {"channel": "api"}, "created_at": stamp, "updated_at": stamp, "comments": []}
        ticket["description"] = self.add_comment(ticket, t["comment"])["body"]
        self.tickets.append(ticket)
        headers = {"Location": f"{req.base_url}/api/v2/tickets/{ticket['id']}.json"}
        if key:
            self.idempotency[key] = (fingerprint, ticket["id"], now)
            headers["x-idempotency-lookup"] = "miss"
        return json_response(201, {"ticket": self.view(req, ticket)}, headers)

    def list_tickets(self, req, _):
        ext = req.arg("external_id")
        hits = [self.view(req, t) for t in self.tickets if ext is None or t["external_id"] == ext]
        return json_response(200, {"tickets": hits, "count": len(hits), "next_page": None, "previous_page": None})

    def show_ticket(self, req, _):
        ticket = self.find(req.params["ticket_id"])
        return json_response(200, {"ticket": self.view(req, ticket)}) if ticket else self.not_found()

    def update_ticket(self, req, body):
        ticket = self.find(req.params["ticket_id"])
        if not ticket:
            return self.not_found()
        if ticket["status"] == "closed":
            return json_response(422, {"error": "RecordInvalid", "description": "Record validation errors",
                                       "details": {"status": [{"description": "Status: closed prevents ticket update"}]}})
        t = body["ticket"]
        for field in ("subject", "status", "priority", "type", "external_id", "assignee_id", "group_id", "custom_fields"):
            if field in t:
                ticket[field] = t[field]
        if "tags" in t:
            ticket["tags"] = sorted(set(t["tags"] or []))
        ticket["tags"] = sorted((set(ticket["tags"]) | set(t.get("additional_tags") or [])) - set(t.get("remove_tags") or []))
        events = []
        if isinstance(t.get("comment"), dict) and (t["comment"].get("body") or t["comment"].get("html_body")):
            events.append(dict(self.add_comment(ticket, t["comment"])))
        ticket["updated_at"] = iso_z()
        audit = {"id": next(self.comment_ids), "ticket_id": ticket["id"], "created_at": ticket["updated_at"], "events": events}
        return json_response(200, {"ticket": self.view(req, ticket), "audit": audit})

    SEARCH_TERM = re.compile(r'(\w+)(:|<=|>=|<|>)("[^"]*"|\S+)|"([^"]*)"|(\S+)')

    def search(self, req, _):
        query = req.arg("query", "")
        wanted_type, filters, words = "ticket", [], []
        for m in self.SEARCH_TERM.finditer(query):
            key, op, value, phrase, word = m.groups()
            if key is None:
                words.append((phrase if phrase is not None else word).lower())
                continue
            value = value.strip('"')
            key = key.lower()
            if op != ":":
                raise Unsupported(f"search: operator {op!r} is not supported by the stub")
            if key == "type":
                wanted_type = value.lower()
            elif key in ("external_id", "status", "tags", "tag", "priority", "subject"):
                filters.append(("tags" if key == "tag" else key, value))
            else:
                raise Unsupported(f"search: keyword {key!r} is not supported by the stub (type, external_id, status, tags, priority, subject)")
        results = []
        if wanted_type == "ticket":
            for ticket in self.tickets:
                if all(self.term_matches(ticket, k, v) for k, v in filters) and all(self.text_matches(ticket, w) for w in words):
                    results.append(dict(self.view(req, ticket), result_type="ticket"))
        return json_response(200, {"results": results, "count": len(results), "next_page": None, "previous_page": None, "facets": None})

    @staticmethod
    def term_matches(ticket, key, value):
        if key == "tags":
            return value in ticket["tags"]
        if key == "subject":
            return value.lower() in (ticket["subject"] or "").lower()
        if key == "external_id":
            return ticket["external_id"] == value
        return str(ticket.get(key) or "").lower() == value.lower()

    @staticmethod
    def text_matches(ticket, word):
        text = " ".join([ticket["subject"] or "", ticket["description"] or ""] + [c["body"] for c in ticket["comments"]])
        return word in text.lower()

    def list_comments(self, req, _):
        ticket = self.find(req.params["ticket_id"])
        if not ticket:
            return self.not_found()
        comments = ticket["comments"] if req.arg("sort_order", "asc") != "desc" else ticket["comments"][::-1]
        return json_response(200, {"comments": comments, "count": len(comments), "next_page": None, "previous_page": None})


# --------------------------------------------------------------------------------------
# GitHub REST
# --------------------------------------------------------------------------------------

class GitHubProvider(Provider):
    """GitHub REST: issues create/get/update, issue comments, issue search."""

    name = "github"
    REPO = "/repos/{owner}/{repo}/issues"

    def __init__(self, *a):
        super().__init__(*a)
        r, i = self.route, self.REPO + "/{issue_number}"
        r("POST", self.REPO, "issues/create", self.create_issue, check=self.check_create)
        r("GET", i, "issues/get", self.get_issue)
        r("PATCH", i, "issues/update", self.update_issue)
        r("POST", i + "/comments", "issues/create-comment", self.create_comment, check=self.check_comment)
        r("GET", "/search/issues", "search/issues-and-pull-requests", self.search)

    def load(self):
        with open(self.spec_file("github", "api.github.com.json"), "rb") as fh:
            spec = json.load(fh)
        self.validator = OpenAPIValidator(spec, "https://api.github.com", {r.spec_path for r in self.routes})
        self.ready.set()

    def reset(self):
        self.issues = []
        self.ids = itertools.count(1000001)
        self.comment_ids = itertools.count(5000001)
        self.numbers = {}

    def state(self):
        return {"issues": copy.deepcopy(self.issues)}

    def authenticate(self, req):
        return None if token_credential(req, ("bearer", "token")) else "Authorization 'Bearer <token>' or 'token <token>' is required"

    def unauthorized(self, req, message):
        return json_response(401, {"message": "Requires authentication", "documentation_url": "https://docs.github.com/rest",
                                   "stub_error": f"{req.operation}: {message}"})

    def check_create(self, req, body):
        if not str(body.get("title", "")).strip():
            raise Invalid("title: must not be blank")

    def check_comment(self, req, body):
        if not str(body.get("body", "")).strip():
            raise Invalid("body: must not be blank")

    # --- model
    def find(self, req):
        p = req.params
        return next((i for i in self.issues if i["owner"].lower() == p["owner"].lower() and i["repo"].lower() == p["repo"].lower()
                     and str(i["number"]) == p["issue_number"]), None)

    def not_found(self):
        return json_response(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def view(self, req, issue):
        api = f"{req.base_url}/repos/{issue['owner']}/{issue['repo']}/issues/{issue['number']}"
        return {"id": issue["id"], "node_id": f"I_stub{issue['id']}", "number": issue["number"], "title": issue["title"],
                "body": issue["body"], "state": issue["state"], "state_reason": issue["state_reason"],
                "labels": [{"id": abs(hash(n)) % 10 ** 9, "name": n, "color": "ededed", "default": False, "description": None}
                           for n in issue["labels"]],
                "assignees": [{"login": a} for a in issue["assignees"]], "user": {"login": "stub-bot", "type": "Bot"},
                "comments": len(issue["comments"]), "url": api, "comments_url": api + "/comments",
                "repository_url": f"{req.base_url}/repos/{issue['owner']}/{issue['repo']}",
                "html_url": f"https://github.com/{issue['owner']}/{issue['repo']}/issues/{issue['number']}",
                "created_at": issue["created_at"], "updated_at": issue["updated_at"], "closed_at": issue["closed_at"]}

    @staticmethod
    def label_names(labels):
        return [x if isinstance(x, str) else x.get("name", "") for x in labels or []]

    # --- handlers
    def create_issue(self, req, body):
        owner, repo = req.params["owner"], req.params["repo"]
        repo_key = f"{owner}/{repo}".lower()
        number = self.numbers[repo_key] = self.numbers.get(repo_key, 0) + 1
        now = iso_z()
        issue = {"id": next(self.ids), "owner": owner, "repo": repo, "number": number, "title": body["title"],
                 "body": body.get("body"), "state": "open", "state_reason": None, "labels": self.label_names(body.get("labels")),
                 "assignees": body.get("assignees") or ([body["assignee"]] if body.get("assignee") else []),
                 "comments": [], "created_at": now, "updated_at": now, "closed_at": None}
        self.issues.append(issue)
        view = self.view(req, issue)
        return json_response(201, view, {"Location": view["url"]})

    def get_issue(self, req, _):
        issue = self.find(req)
        return json_response(200, self.view(req, issue)) if issue else self.not_found()

    def update_issue(self, req, body):
        issue = self.find(req)
        if not issue:
            return self.not_found()
        body = body or {}
        for field in ("title", "body"):
            if field in body:
                issue[field] = body[field]
        if "labels" in body:
            issue["labels"] = self.label_names(body["labels"])
        if "assignees" in body:
            issue["assignees"] = body["assignees"] or []
        if body.get("state") and body["state"] != issue["state"]:
            issue["state"] = body["state"]
            issue["closed_at"] = iso_z() if body["state"] == "closed" else None
            issue["state_reason"] = body.get("state_reason") or ("completed" if body["state"] == "closed" else "reopened")
        elif "state_reason" in body:
            issue["state_reason"] = body["state_reason"]
        issue["updated_at"] = iso_z()
        return json_response(200, self.view(req, issue))

    def create_comment(self, req, body):
        issue = self.find(req)
        if not issue:
            return self.not_found()
        cid = next(self.comment_ids)
        now = iso_z()
        view = self.view(req, issue)
        comment = {"id": cid, "node_id": f"IC_stub{cid}", "body": body["body"], "user": {"login": "stub-bot", "type": "Bot"},
                   "url": f"{req.base_url}/repos/{issue['owner']}/{issue['repo']}/issues/comments/{cid}",
                   "html_url": f"{view['html_url']}#issuecomment-{cid}", "issue_url": view["url"],
                   "created_at": now, "updated_at": now}
        issue["comments"].append(comment)
        issue["updated_at"] = now
        return json_response(201, comment, {"Location": comment["url"]})

    SEARCH_TERM = re.compile(r'(-?)(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)')

    def search(self, req, _):
        q = req.arg("q", "")
        repo = None
        where = set()
        states, labels, texts, want_issues = set(), [], [], True
        for m in self.SEARCH_TERM.finditer(q):
            neg, key, value, phrase, word = m.groups()
            if key is None:
                texts.append((phrase if phrase is not None else word).lower())
                continue
            if neg:
                raise Unsupported(f"search: negated qualifier -{key}: is not supported by the stub")
            key, value = key.lower(), value.strip('"')
            if key == "repo":
                repo = value.lower()
            elif key in ("is", "type", "state"):
                low = value.lower()
                if low in ("open", "closed"):
                    states.add(low)
                elif low in ("pr", "pull-request"):
                    want_issues = False
                elif low != "issue":
                    raise Unsupported(f"search: {key}:{value} is not supported by the stub")
            elif key == "in":
                where |= {w.strip().lower() for w in value.split(",")}
                if not where <= {"title", "body", "comments"}:
                    raise Unsupported(f"search: in:{value} is not supported by the stub")
            elif key == "label":
                labels.append(value)
            else:
                raise Unsupported(f"search: qualifier {key}: is not supported by the stub (repo, is, type, state, in, label)")
        where = where or {"title", "body", "comments"}
        items = []
        for issue in self.issues if want_issues else []:
            if repo and f"{issue['owner']}/{issue['repo']}".lower() != repo:
                continue
            if states and issue["state"] not in states:
                continue
            if any(lbl not in issue["labels"] for lbl in labels):
                continue
            hay = " ".join(([issue["title"] or ""] if "title" in where else []) + ([issue["body"] or ""] if "body" in where else [])
                           + ([c["body"] for c in issue["comments"]] if "comments" in where else [])).lower()
            if all(t in hay for t in texts):
                items.append(dict(self.view(req, issue), score=1.0))
        return json_response(200, {"total_count": len(items), "incomplete_results": False, "items": items})


# --------------------------------------------------------------------------------------
# Linear GraphQL
# --------------------------------------------------------------------------------------

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
LINEAR_STATES = [("Todo", "unstarted"), ("In Progress", "started"), ("Done", "completed"), ("Canceled", "canceled")]
STATE_NS = uuid.UUID("6f1d1f43-54d3-4c2b-9a4e-2f5c0c1a7b11")


def gql_error(message, code="INVALID_INPUT", user_message=None):
    return graphql.GraphQLError(message, extensions={"type": "invalid input", "code": code, "statusCode": 400,
                                                     "userError": True, "userPresentableMessage": user_message or message})


COMPARATORS = {
    "eq": lambda v, s, a: v == a, "neq": lambda v, s, a: v != a,
    "in": lambda v, s, a: v in a, "nin": lambda v, s, a: v not in a,
    "eqIgnoreCase": lambda v, s, a: s.lower() == a.lower(), "neqIgnoreCase": lambda v, s, a: s.lower() != a.lower(),
    "contains": lambda v, s, a: a in s, "notContains": lambda v, s, a: a not in s,
    "containsIgnoreCase": lambda v, s, a: a.lower() in s.lower(),
    "notContainsIgnoreCase": lambda v, s, a: a.lower() not in s.lower(),
    "startsWith": lambda v, s, a: s.startswith(a), "notStartsWith": lambda v, s, a: not s.startswith(a),
    "startsWithIgnoreCase": lambda v, s, a: s.lower().startswith(a.lower()),
    "endsWith": lambda v, s, a: s.endswith(a), "notEndsWith": lambda v, s, a: not s.endswith(a),
    "null": lambda v, s, a: (v is None) == a,
}
ISSUE_FILTER_FIELDS = {"id", "title", "description", "number", "priority", "team", "state", "attachments"}
SUB_FILTER_FIELDS = {"team": {"id", "key", "name"}, "state": {"id", "name", "type"}}
ATTACHMENT_FILTER_FIELDS = {"id", "url", "title", "subtitle"}


def compare(value, comparator):
    """Apply a Linear String/ID/Number comparator (eq, neq, in, nin, contains, ...) to one value."""
    text = "" if value is None else str(value)
    return all(COMPARATORS[op](value, text, arg) for op, arg in comparator.items() if arg is not None)


def check_linear_filter(f, kind="issue"):
    """Raise Unsupported for any filter field or comparator the stub does not evaluate."""
    for key, value in (f or {}).items():
        if value is None:
            continue
        if key in ("and", "or"):
            for sub in value:
                check_linear_filter(sub, kind)
        elif kind == "issue" and key == "attachments":
            check_linear_filter(value, "collection")
        elif kind == "collection" and key in ("some", "every"):
            check_linear_filter(value, "attachment")
        elif kind == "issue" and key in SUB_FILTER_FIELDS:
            for sub_key, comp in value.items():
                if comp is not None and sub_key not in SUB_FILTER_FIELDS[key]:
                    raise Unsupported(f"{key} filter on {sub_key!r} is not supported by the stub")
                check_comparator(comp or {})
        elif (kind == "issue" and key in ISSUE_FILTER_FIELDS) or (kind != "issue" and key in ATTACHMENT_FILTER_FIELDS) \
                or (kind == "collection" and key == "length"):
            check_comparator(value)
        else:
            raise Unsupported(f"{kind} filter on {key!r} is not supported by the stub")


def check_comparator(comp):
    unknown = [op for op, arg in comp.items() if arg is not None and op not in COMPARATORS]
    if unknown:
        raise Unsupported(f"comparator(s) {unknown} not supported by the stub")


class LinearProvider(Provider):
    """Linear GraphQL: documents validated against schema.graphql, executed by graphql-core."""

    name = "linear"
    SUPPORTED_ROOT = {"issueCreate", "issueUpdate", "attachmentCreate", "commentCreate", "issues", "issue"}

    def __init__(self, *a):
        super().__init__(*a)
        self.route("POST", "/graphql", "graphql", None)
        self.schema = None

    def load(self):
        path = self.spec_file("linear", "schema.graphql")
        cache_path = linear_cache_path(self.cache, path)
        introspection = SpecCache.read(cache_path)
        if introspection is not None:
            self.schema = graphql.build_client_schema(introspection, assume_valid=True)
        else:
            with open(path) as fh:
                self.schema = graphql.build_schema(fh.read(), assume_valid_sdl=True)
        self.ready.set()

    def reset(self):
        self.issues = []
        self.numbers = {}
        self.sync_ids = itertools.count(1000)

    def state(self):
        return {"issues": copy.deepcopy(self.issues)}

    def authenticate(self, req):
        value = req.header("authorization", "").strip()
        if not value:
            return "Authorization header with a Linear API key (or 'Bearer <oauth token>') is required"
        if value.lower().startswith("bearer lin_api_"):
            return "personal API keys must be sent as 'Authorization: <key>' without 'Bearer'"
        return None

    # --- validation
    def prepare(self, req, route):
        if req.media_type != "application/json":
            raise Invalid("Content-Type must be application/json", self.errors_body("Must provide query string.", "BAD_REQUEST"))
        payload = req.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            raise Invalid("body must be an object with a string 'query'", self.errors_body("Must provide query string.", "BAD_REQUEST"))
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            raise Invalid("'variables' must be an object", self.errors_body("Variables must be an object.", "BAD_REQUEST"))
        try:
            document = graphql.parse(payload["query"])
        except graphql.GraphQLError as exc:
            raise Invalid(f"syntax: {exc.message}", {"errors": [dict(exc.formatted, extensions={"code": "GRAPHQL_PARSE_FAILED"})]})
        errors = graphql.validate(self.schema, document)
        if errors:
            raise Invalid("; ".join(e.message for e in errors),
                          {"errors": [dict(e.formatted, extensions={"code": "GRAPHQL_VALIDATION_FAILED"}) for e in errors]})
        operation = graphql.get_operation_ast(document, payload.get("operationName"))
        if operation is None:
            raise Invalid("operation: could not determine which operation to run (operationName)",
                          self.errors_body("Could not determine the operation to execute.", "BAD_REQUEST"))
        coerced = get_variable_values(self.schema, operation.variable_definitions or [], variables)
        if isinstance(coerced, list):
            raise Invalid("variables: " + "; ".join(e.message for e in coerced),
                          {"errors": [dict(e.formatted, extensions={"code": "BAD_USER_INPUT"}) for e in coerced]})
        roots = self.root_fields(document, operation.selection_set)
        req.operation = ",".join(roots) or "graphql"
        unsupported = [r for r in roots if r not in self.SUPPORTED_ROOT and not r.startswith("__")]
        if unsupported:
            raise Unsupported(f"root field(s) {', '.join(unsupported)} not implemented by the stub")
        return document, operation, variables, payload.get("operationName")

    @staticmethod
    def errors_body(message, code):
        return {"errors": [{"message": message, "extensions": {"code": code}}]}

    def root_fields(self, document, selection_set):
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
        names = []
        for sel in selection_set.selections:
            if isinstance(sel, graphql.FieldNode):
                names.append(sel.name.value)
            elif isinstance(sel, graphql.InlineFragmentNode):
                names += self.root_fields(document, sel.selection_set)
            elif isinstance(sel, graphql.FragmentSpreadNode) and sel.name.value in fragments:
                names += self.root_fields(document, fragments[sel.name.value].selection_set)
        return names

    # --- execution
    def perform(self, req, route, prepared):
        document, _, variables, operation_name = prepared
        self.base_url = req.base_url
        result = graphql.execute(self.schema, document, variable_values=variables, operation_name=operation_name,
                                 field_resolver=self.resolve)
        for err in result.errors or []:
            if isinstance(err.original_error, Unsupported):
                raise err.original_error
        body = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return json_response(200, body)

    def resolve(self, source, info, **args):
        parent = info.parent_type.name
        if parent in ("Mutation", "Query"):
            return getattr(self, "root_" + info.field_name)(**args)
        special = getattr(self, f"field_{parent}_{info.field_name}", None)
        if special:
            return special(source, **args)
        value = source.get(info.field_name) if isinstance(source, dict) else getattr(source, info.field_name, None)
        if value is None and isinstance(info.return_type, graphql.GraphQLNonNull):
            return self.default_for(info.return_type.of_type, source)
        return value

    @staticmethod
    def default_for(gtype, source):
        """A harmless value for a non-null field the stub does not model."""
        if isinstance(gtype, graphql.GraphQLList):
            return []
        if isinstance(gtype, graphql.GraphQLEnumType):
            return next(iter(gtype.values.values())).value
        name = getattr(gtype, "name", "")
        return {"String": "", "ID": "", "Float": 0.0, "Int": 0, "Boolean": False, "JSON": {}, "JSONObject": {},
                "DateTime": (source or {}).get("createdAt", iso_z(True)) if isinstance(source, dict) else iso_z(True),
                "TimelessDate": utc_now().strftime("%Y-%m-%d")}.get(name)

    # --- model helpers
    @staticmethod
    def team_key(team_id):
        return team_id.upper() if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,6}", team_id) else "ENG"

    @staticmethod
    def state_id(team_key, name):
        return str(uuid.uuid5(STATE_NS, f"{team_key}:{name}"))

    def state_view(self, issue):
        for name, kind in LINEAR_STATES:
            if self.state_id(issue["teamKey"], name) == issue["stateId"]:
                return {"id": issue["stateId"], "name": name, "type": kind}
        return {"id": issue["stateId"], "name": issue["stateId"], "type": "custom"}

    def find(self, id_or_identifier):
        return next((i for i in self.issues if id_or_identifier in (i["id"], i["identifier"])), None)

    def require_issue(self, id_or_identifier):
        issue = self.find(id_or_identifier or "")
        if issue is None:
            raise gql_error("Entity not found: Issue", "INVALID_INPUT", "Could not find referenced Issue.")
        return issue

    def payload(self, **kw):
        return dict(success=True, lastSyncId=float(next(self.sync_ids)), **kw)

    @staticmethod
    def connection(nodes):
        edges = [{"node": n, "cursor": n["id"]} for n in nodes]
        return {"nodes": nodes, "edges": edges, "pageInfo": {"hasNextPage": False, "hasPreviousPage": False,
                "startCursor": nodes[0]["id"] if nodes else None, "endCursor": nodes[-1]["id"] if nodes else None}}

    # --- root resolvers
    def root_issueCreate(self, input):
        issue_id = input.get("id")
        if issue_id is not None:
            if not UUID_RE.match(issue_id):
                raise gql_error("Argument Validation Error: id must be a UUID", "INVALID_INPUT")
            if self.find(issue_id):
                raise gql_error(f"Entity already exists: Issue with id {issue_id}", "INVALID_INPUT",
                                "An issue with this id already exists.")
        if not (input.get("title") or "").strip() and not input.get("templateId"):
            raise gql_error("Argument Validation Error: title should not be empty", "INVALID_INPUT")
        key = self.team_key(input["teamId"])
        number = self.numbers[key] = self.numbers.get(key, 0) + 1
        identifier = f"{key}-{number}"
        slug = re.sub(r"[^a-z0-9]+", "-", (input.get("title") or "").lower()).strip("-")[:60]
        now = iso_z(True)
        issue = {"id": issue_id or str(uuid.uuid4()), "identifier": identifier, "number": float(number),
                 "title": input.get("title") or "", "description": input.get("description"),
                 "priority": float(input.get("priority") or 0), "teamId": input["teamId"], "teamKey": key,
                 "stateId": input.get("stateId") or self.state_id(key, "Todo"), "labelIds": input.get("labelIds") or [],
                 "url": f"https://linear.app/stub/issue/{identifier}/{slug}", "branchName": f"stub/{identifier.lower()}",
                 "createdAt": now, "updatedAt": now, "attachments": [], "comments": []}
        self.issues.append(issue)
        return self.payload(issue=issue)

    def root_issueUpdate(self, id, input):
        issue = self.require_issue(id)
        for field in ("title", "description", "stateId", "labelIds"):
            if input.get(field) is not None:
                issue[field] = input[field]
        if input.get("priority") is not None:
            issue["priority"] = float(input["priority"])
        issue["updatedAt"] = iso_z(True)
        return self.payload(issue=issue)

    def root_attachmentCreate(self, input):
        issue = self.require_issue(input["issueId"])
        now = iso_z(True)
        attachment = next((a for a in issue["attachments"] if a["url"] == input["url"]), None)
        if attachment is None:  # Linear upserts attachments by (issue, url)
            attachment = {"id": input.get("id") or str(uuid.uuid4()), "url": input["url"], "issueId": issue["id"],
                          "createdAt": now, "groupBySource": bool(input.get("groupBySource"))}
            issue["attachments"].append(attachment)
        attachment.update({"title": input["title"], "subtitle": input.get("subtitle"),
                           "metadata": input.get("metadata") or {}, "updatedAt": now})
        return self.payload(attachment=attachment)

    def root_commentCreate(self, input):
        if not input.get("issueId"):
            raise gql_error("Argument Validation Error: issueId is required (the stub models issue comments only)")
        issue = self.require_issue(input["issueId"])
        if not (input.get("body") or input.get("bodyData")):
            raise gql_error("Argument Validation Error: body should not be empty")
        cid = input.get("id") or str(uuid.uuid4())
        now = iso_z(True)
        comment = {"id": cid, "body": input.get("body") or "", "issueId": issue["id"], "url": f"{issue['url']}#comment-{cid[:8]}",
                   "createdAt": now, "updatedAt": now}
        issue["comments"].append(comment)
        return self.payload(comment=comment)

    def root_issues(self, filter=None, first=None, last=None, includeArchived=None, **_):
        check_linear_filter(filter)
        hits = [i for i in self.issues if not filter or self.issue_matches(i, filter)]
        if first is not None:
            hits = hits[:first]
        if last is not None:
            hits = hits[-last:] if last else []
        return self.connection(hits)

    def root_issue(self, id):
        return self.require_issue(id)

    # --- object field resolvers
    def field_Issue_team(self, issue, **_):
        return {"id": issue["teamId"], "key": issue["teamKey"], "name": issue["teamKey"]}

    def field_Issue_state(self, issue, **_):
        return self.state_view(issue)

    def field_Issue_attachments(self, issue, filter=None, **_):
        check_linear_filter(filter, "attachment")
        return self.connection([a for a in issue["attachments"] if not filter or self.attachment_matches(a, filter)])

    def field_Issue_comments(self, issue, **_):
        return self.connection(issue["comments"])

    def field_Issue_labels(self, issue, **_):
        return self.connection([{"id": lid, "name": lid} for lid in issue["labelIds"]])

    def field_Issue_priorityLabel(self, issue, **_):
        return ["No priority", "Urgent", "High", "Medium", "Low"][int(issue["priority"]) % 5]

    def field_Attachment_issue(self, attachment, **_):
        return self.find(attachment["issueId"])

    def field_Comment_issue(self, comment, **_):
        return self.find(comment["issueId"])

    # --- filters
    def issue_matches(self, issue, f):
        for key, value in f.items():
            if value is None:
                continue
            if key == "and":
                ok = all(self.issue_matches(issue, x) for x in value)
            elif key == "or":
                ok = any(self.issue_matches(issue, x) for x in value)
            elif key in ("id", "title", "description", "number", "priority"):
                ok = compare(issue[key], value)
            elif key in ("team", "state"):
                view = self.field_Issue_team(issue) if key == "team" else self.state_view(issue)
                ok = all(compare(view.get(k), v) for k, v in value.items() if v is not None)
            else:  # attachments (check_linear_filter has rejected anything else)
                ok = self.collection_matches(issue["attachments"], value)
            if not ok:
                return False
        return True

    def collection_matches(self, items, f):
        for key, value in f.items():
            if value is None:
                continue
            if key == "some":
                ok = any(self.attachment_matches(a, value) for a in items)
            elif key == "every":
                ok = all(self.attachment_matches(a, value) for a in items)
            elif key == "length":
                ok = compare(len(items), value)
            elif key == "and":
                ok = all(self.collection_matches(items, x) for x in value)
            elif key == "or":
                ok = any(self.collection_matches(items, x) for x in value)
            else:  # a field comparator directly on the collection means "some attachment matches"
                ok = any(self.attachment_matches(a, {key: value}) for a in items)
            if not ok:
                return False
        return True

    def attachment_matches(self, attachment, f):
        for key, value in f.items():
            if value is None:
                continue
            if key == "and":
                ok = all(self.attachment_matches(attachment, x) for x in value)
            elif key == "or":
                ok = any(self.attachment_matches(attachment, x) for x in value)
            else:  # id, url, title, subtitle
                ok = compare(attachment.get(key), value)
            if not ok:
                return False
        return True


# --------------------------------------------------------------------------------------
# Twilio API v2010
# --------------------------------------------------------------------------------------

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
CHANNEL_PREFIXES = ("whatsapp:", "messenger:", "rcs:", "client:", "sip:")


class TwilioProvider(Provider):
    """Twilio v2010: Messages.json (SMS) and Calls.json (voice), form-encoded."""

    name = "twilio"
    ACCOUNT = "/2010-04-01/Accounts/{AccountSid}"

    def __init__(self, *a):
        super().__init__(*a)
        self.route("POST", self.ACCOUNT + "/Messages.json", "CreateMessage", self.create_message, check=self.check_message)
        self.route("POST", self.ACCOUNT + "/Calls.json", "CreateCall", self.create_call, check=self.check_call)

    def load(self):
        with open(self.spec_file("twilio", "twilio_api_v2010.json"), "rb") as fh:
            spec = json.load(fh)
        self.validator = OpenAPIValidator(spec, "https://api.twilio.com", {r.spec_path for r in self.routes})
        self.ready.set()

    def reset(self):
        self.messages = []
        self.calls = []

    def state(self):
        return {"messages": copy.deepcopy(self.messages), "calls": copy.deepcopy(self.calls)}

    def authenticate(self, req):
        return None if basic_credentials(req) else "Basic authentication AccountSid:AuthToken is required"

    def unauthorized(self, req, message):
        return json_response(401, {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003",
                                   "status": 401, "stub_error": f"{req.operation}: {message}"})

    def parse_body(self, req):
        pairs = req.form()
        form = dict(pairs)
        form["MediaUrl"] = [v for k, v in pairs if k == "MediaUrl"]
        return form

    def prepare(self, req, route):
        form = super().prepare(req, route)
        user = basic_credentials(req)[0]
        if user != req.params["AccountSid"] and not user.startswith("SK"):
            raise Invalid(f"Basic auth user {user!r} is neither the path AccountSid nor an API key (SK...)", status=401)
        return form

    @staticmethod
    def check_address(value, field, allow_sender_id=False):
        if E164.match(value) or value.startswith(CHANNEL_PREFIXES):
            return
        if allow_sender_id and (re.fullmatch(r"\d{5,6}", value) or re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}", value)):
            return
        raise Invalid(f"{field}: Invalid '{field}' Phone Number: {value!r} (E.164 expected)")

    def check_message(self, req, form):
        self.check_address(form["To"], "To")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            raise Invalid("From: A 'From' phone number or MessagingServiceSid is required (21603)")
        if form.get("From"):
            self.check_address(form["From"], "From", allow_sender_id=True)
        if not (form.get("Body") or form.get("MediaUrl") or form.get("ContentSid")):
            raise Invalid("Body: Message body is required (Body, MediaUrl or ContentSid) (21602)")
        if len(form.get("Body") or "") > 1600:
            raise Invalid("Body: The concatenated message body exceeds the 1600 character limit (21617)")

    def check_call(self, req, form):
        self.check_address(form["To"], "To")
        self.check_address(form["From"], "From")
        if not (form.get("Url") or form.get("Twiml") or form.get("ApplicationSid")):
            raise Invalid("Url: one of Url, Twiml or ApplicationSid is required (21205)")

    def common(self, req, sid, kind, form):
        now = rfc2822()
        return {"sid": sid, "account_sid": req.params["AccountSid"], "api_version": "2010-04-01",
                "to": form["To"], "from": form.get("From"), "date_created": now, "date_updated": now,
                "direction": "outbound-api", "price": None, "price_unit": "USD",
                "uri": f"/2010-04-01/Accounts/{req.params['AccountSid']}/{kind}/{sid}.json"}

    def create_message(self, req, form):
        sid = "SM" + uuid.uuid4().hex
        msg = self.common(req, sid, "Messages", form)
        msg.update({"body": form.get("Body", ""), "status": "accepted" if not form.get("From") else "queued",
                    "messaging_service_sid": form.get("MessagingServiceSid"), "num_segments": "1",
                    "num_media": str(len(form["MediaUrl"])), "date_sent": None, "error_code": None, "error_message": None,
                    "subresource_uris": {"media": msg["uri"].replace(".json", "/Media.json")}})
        self.messages.append(dict(msg, status_callback=form.get("StatusCallback"), media_url=form["MediaUrl"]))
        return json_response(201, msg)

    def create_call(self, req, form):
        sid = "CA" + uuid.uuid4().hex
        call = self.common(req, sid, "Calls", form)
        call.update({"status": "queued", "start_time": None, "end_time": None, "duration": None,
                     "from_formatted": form["From"], "to_formatted": form["To"], "answered_by": None,
                     "parent_call_sid": None, "phone_number_sid": None, "caller_name": None})
        self.calls.append(dict(call, url=form.get("Url"), twiml=form.get("Twiml"), status_callback=form.get("StatusCallback")))
        return json_response(201, call)


# --------------------------------------------------------------------------------------
# Slack Web API
# --------------------------------------------------------------------------------------

class SlackProvider(Provider):
    """Slack Web API chat.postMessage, checked with a jsonschema built from the spec's formData parameters."""

    name = "slack"
    JSON_ARRAY_PARAMS = ("blocks", "attachments")  # "JSON-based array ... presented as a URL-encoded string"

    def __init__(self, *a):
        super().__init__(*a)
        self.route("POST", "/api/chat.postMessage", "chat_postMessage", self.post_message)

    def load(self):
        with open(self.spec_file("slack", "slack_web_openapi_v2.json"), "rb") as fh:
            spec = json.load(fh)
        params = [p for p in spec["paths"]["/chat.postMessage"]["post"]["parameters"] if p["in"] == "formData"]
        self.booleans = {p["name"] for p in params if p.get("type") == "boolean"}
        props = {p["name"]: {"type": p.get("type", "string")} for p in params}
        form_schema = {"type": "object", "properties": props, "additionalProperties": False,
                       "required": [p["name"] for p in params if p.get("required")]}
        json_schema = copy.deepcopy(form_schema)
        for name in self.JSON_ARRAY_PARAMS:  # a JSON body may carry these as real arrays, as Slack accepts
            json_schema["properties"][name] = {"type": ["string", "array"]}
        self.form_validator = jsonschema.Draft7Validator(form_schema)
        self.json_validator = jsonschema.Draft7Validator(json_schema)
        self.ready.set()

    def reset(self):
        self.messages = []
        self.ts_counter = itertools.count(1)

    def state(self):
        return {"messages": copy.deepcopy(self.messages)}

    def authenticate(self, req):
        return None if token_credential(req, ("bearer",)) else "Authorization 'Bearer xox...' is required"

    def unauthorized(self, req, message):
        return json_response(401, {"ok": False, "error": "not_authed", "stub_error": f"{req.operation}: {message}"})

    def prepare(self, req, route):
        if req.media_type == "application/x-www-form-urlencoded":
            args = {k: self.coerce_bool(k, v) for k, v in req.form()}
            validator = self.form_validator
        elif req.media_type == "application/json":
            args = req.json()
            if not isinstance(args, dict):
                raise Invalid("body must be a JSON object")
            validator = self.json_validator
        else:
            raise Invalid(f"Content-Type {req.media_type or '(none)'} is not accepted (form or JSON)")
        errors = sorted(validator.iter_errors(args), key=lambda e: list(e.absolute_path))
        if errors:
            raise Invalid("; ".join(f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors))
        for name in self.JSON_ARRAY_PARAMS:
            if isinstance(args.get(name), str):
                try:
                    if not isinstance(json.loads(args[name]), list):
                        raise ValueError
                except ValueError:
                    raise Invalid(f"{name}: invalid_{name} (must be a JSON array)")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            raise Invalid("text: no_text (one of text, blocks or attachments is required)")
        return args

    def coerce_bool(self, name, value):
        if name in self.booleans and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        return value

    def post_message(self, req, args):
        ts = f"{int(time.time())}.{next(self.ts_counter):06d}"
        message = {"type": "message", "subtype": "bot_message", "text": args.get("text", ""), "ts": ts, "bot_id": "B0STUB"}
        self.messages.append(dict(args, ts=ts))
        return json_response(200, {"ok": True, "channel": args["channel"], "ts": ts, "message": message})


# --------------------------------------------------------------------------------------
# Generic webhook sink
# --------------------------------------------------------------------------------------

class WebhookSink(Provider):
    """Records any POST /hooks/{name} as-is and answers 204 (no validation)."""

    name = "webhook"

    def __init__(self, *a):
        super().__init__(*a)
        self.route("POST", "/hooks/{name}", "deliver", self.deliver)

    def reset(self):
        self.deliveries = []

    def state(self):
        return {"deliveries": copy.deepcopy(self.deliveries)}

    def prepare(self, req, route):
        req.operation = req.params["name"]
        return None

    def deliver(self, req, _):
        self.deliveries.append({"name": req.params["name"], "headers": dict(req.headers),
                                "body": req.body.decode("utf-8", "replace"), "received_at": iso_z(True)})
        return Response(204)


# --------------------------------------------------------------------------------------
# Control plane: recorded requests and injected answers
# --------------------------------------------------------------------------------------

class Recorder:
    """Keeps every provider request with its validation outcome and final status."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.seq = itertools.count(1)

    def start(self, req):
        headers = {k: ("<redacted>" if k == "authorization" else v) for k, v in req.headers.items()}
        try:
            text, b64 = req.body.decode("utf-8"), None
        except UnicodeDecodeError:
            text, b64 = req.body.decode("utf-8", "replace"), base64.b64encode(req.body).decode()
        item = {"seq": None, "provider": req.provider, "operation": req.operation, "method": req.method, "path": req.path,
                "query": req.query, "headers": headers, "body": text, "valid": None, "error": None, "status": None,
                "injected": None, "received_at": iso_z(True)}
        if b64:
            item["body_base64"] = b64
        with self.lock:
            item["seq"] = next(self.seq)
            self.items.append(item)
        return item

    def list(self, provider=None, operation=None, since=0):
        with self.lock:
            return [dict(i) for i in self.items if (not provider or i["provider"] == provider)
                    and (not operation or i["operation"] == operation) and i["seq"] > since]

    def clear(self):
        with self.lock:
            self.items = []
            self.seq = itertools.count(1)


class Scenarios:
    """FIFO of injected answers, consumed by the next requests matching provider (+ operation)."""

    KEYS = {"status", "body", "headers", "count", "delay_ms", "after_effect", "hold_ms"}

    def __init__(self, providers):
        self.lock = threading.Lock()
        self.providers = providers
        self.queue = []

    def add(self, spec):
        if not isinstance(spec, dict) or spec.get("provider") not in self.providers:
            raise ValueError(f"'provider' must be one of {sorted(self.providers)}")
        responses = spec.get("responses")
        if not isinstance(responses, list) or not responses:
            raise ValueError("'responses' must be a non-empty list")
        entries = []
        for r in responses:
            if not isinstance(r, dict) or set(r) - self.KEYS:
                raise ValueError(f"each response is an object with keys from {sorted(self.KEYS)}")
            if "status" not in r and "delay_ms" not in r:
                raise ValueError("each response needs 'status' or 'delay_ms'")
            count = r.get("count", 1)
            if not isinstance(count, int) or count < 1:
                raise ValueError("'count' must be a positive integer")
            entries.append({"provider": spec["provider"], "operation": spec.get("operation"), "remaining": count,
                            **{k: v for k, v in r.items() if k != "count"}})
        with self.lock:
            self.queue.extend(entries)
        return len(entries)

    def take(self, provider, operation):
        ops = set((operation or "").split(","))
        with self.lock:
            for entry in self.queue:
                if entry["provider"] == provider and (entry["operation"] in (None, "", "*") or entry["operation"] in ops):
                    entry["remaining"] -= 1
                    if entry["remaining"] == 0:
                        self.queue.remove(entry)
                    return {k: v for k, v in entry.items() if k != "remaining"}
        return None

    def pending(self):
        with self.lock:
            return [dict(e) for e in self.queue]

    def clear(self):
        with self.lock:
            self.queue = []


def injected_response(entry):
    """The Response a scenario entry asks for (JSON unless its body is a non-JSON string)."""
    headers = dict(entry.get("headers") or {})
    ctype = next((headers.pop(k) for k in list(headers) if k.lower() == "content-type"), None)
    body = entry.get("body")
    if body is None:
        body = {"stub_injected": True, "status": entry["status"]}
    if not isinstance(body, str):
        body = json.dumps(body)
    if ctype is None:
        try:
            json.loads(body)
            ctype = "application/json"
        except ValueError:
            ctype = "text/plain; charset=utf-8"
    return Response(entry["status"], body, headers, ctype)


# --------------------------------------------------------------------------------------
# The stub: dispatch, control API, HTTP plumbing
# --------------------------------------------------------------------------------------

class Stub:
    """Routes requests to providers, applies validation, scenarios, latency and recording."""

    PROVIDERS = (JiraProvider, ZendeskProvider, GitHubProvider, LinearProvider, TwilioProvider, SlackProvider, WebhookSink)

    def __init__(self, specs_dir, latency_ms=0, use_cache=True):
        self.lock = threading.RLock()
        self.cache = SpecCache(use_cache)
        self.providers = {cls.name: cls(specs_dir, self.cache, self.lock) for cls in self.PROVIDERS}
        self.recorder = Recorder()
        self.scenarios = Scenarios(self.providers)
        self.latency = latency_ms / 1000.0
        self.specs_dir = specs_dir

    def load_all(self):
        for provider in self.providers.values():
            provider.load()

    def caches_missing(self):
        if not self.cache.dir:
            return False
        z = zendesk_cache_path(self.cache, os.path.join(self.specs_dir, "zendesk", "oas.yaml"))
        l = linear_cache_path(self.cache, os.path.join(self.specs_dir, "linear", "schema.graphql"))
        return not (os.path.exists(z) and os.path.exists(l))

    # --- provider traffic
    def dispatch(self, req):
        if req.path.startswith("/_stub/"):
            return self.control(req)
        allowed = []
        for provider in self.providers.values():
            route, params = provider.match(req.method, req.path)
            if route:
                return self.serve(provider, route, params, req)
            allowed += params
        if allowed:
            return json_response(405, {"stub_error": f"{req.method} {req.path}: method not allowed (use {', '.join(sorted(set(allowed)))})"},
                                 {"Allow": ", ".join(sorted(set(allowed)))})
        return json_response(404, {"stub_error": f"{req.method} {req.path}: no provider operation at this path"})

    def serve(self, provider, route, params, req):
        req.provider, req.operation, req.params = provider.name, route.operation, params
        provider.ready.wait()
        record = None
        try:
            problem = provider.authenticate(req)
            if problem:
                record = self.recorder.start(req)
                record.update(valid=False, error=problem)
                resp = provider.unauthorized(req, problem)
            else:
                try:
                    prepared = provider.prepare(req, route)
                except Invalid as exc:
                    record = self.recorder.start(req)
                    record.update(valid=False, error=exc.message)
                    body = dict(exc.body or {}, stub_error=f"{req.operation}: {exc.message}")
                    resp = json_response(exc.status, body)
                else:
                    record = self.recorder.start(req)
                    record["valid"] = True
                    resp = self.answer(provider, route, req, prepared, record)
        except Unsupported as exc:
            record = record or self.recorder.start(req)
            record.update(valid=True, error=f"stub limitation: {exc}")
            resp = json_response(501, {"stub_error": f"{req.operation}: stub limitation: {exc}"})
        except Exception as exc:  # a bug in the stub: say so loudly
            traceback.print_exc(file=sys.stderr)
            record = record or self.recorder.start(req)
            record.update(error=f"stub internal error: {exc!r}")
            resp = json_response(500, {"stub_error": f"{req.operation}: stub internal error: {exc!r}"})
        if self.latency:
            time.sleep(self.latency)
        record["operation"] = req.operation
        record["status"] = resp.status
        return resp

    def answer(self, provider, route, req, prepared, record):
        entry = self.scenarios.take(provider.name, req.operation)
        if entry:
            record["injected"] = entry
            if entry.get("delay_ms"):
                time.sleep(entry["delay_ms"] / 1000.0)
            if entry.get("status") is None:
                entry = None
        if entry is None or entry.get("after_effect"):
            with self.lock:
                resp = provider.perform(req, route, prepared)
            if entry is None:
                return resp
            if entry.get("hold_ms"):
                # The effect happened; the answer is held back (a client killed meanwhile never learns of it).
                time.sleep(entry["hold_ms"] / 1000.0)
        return injected_response(entry)

    # --- control API
    def control(self, req):
        path = req.path.rstrip("/")
        if req.method == "GET" and path == "/_stub/requests":
            since = req.arg("since", "0")
            return json_response(200, self.recorder.list(req.arg("provider"), req.arg("operation"), int(since) if since.isdigit() else 0))
        if req.method == "POST" and path == "/_stub/scenario":
            try:
                n = self.scenarios.add(json.loads(req.body or b"null"))
            except ValueError as exc:
                return json_response(400, {"stub_error": f"scenario: {exc}"})
            return json_response(200, {"queued": n, "pending": len(self.scenarios.pending())})
        if req.method == "GET" and path == "/_stub/scenario":
            return json_response(200, self.scenarios.pending())
        if req.method == "GET" and path == "/_stub/state":
            with self.lock:
                return json_response(200, {name: p.state() for name, p in self.providers.items()})
        if req.method == "POST" and path == "/_stub/reset":
            with self.lock:
                for p in self.providers.values():
                    p.reset()
                self.recorder.clear()
                self.scenarios.clear()
            return json_response(200, {"reset": True})
        if req.method == "GET" and path == "/_stub/health":
            return json_response(200, {"ready": {n: p.ready.is_set() for n, p in self.providers.items()}})
        return json_response(404, {"stub_error": f"{req.method} {req.path}: unknown control endpoint"})


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 front end: reads the request, hands it to the Stub, writes the answer."""

    protocol_version = "HTTP/1.1"
    server_version = "provider-stub/1.0"

    def do_any(self):
        try:
            body = self.read_body()
        except ValueError:
            self.send_error(400, "bad request body framing")
            return
        req = Req(self.command, self.path, list(self.headers.items()), body, self.server.server_address[1])
        resp = self.server.stub.dispatch(req)
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, str(value))
            if resp.status not in (204, 304):
                self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if resp.status not in (204, 304) and self.command != "HEAD":
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired during delay_ms)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_any

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("provider-stub: " + (fmt % args) + "\n")


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with daemon threads and a deep accept backlog."""

    daemon_threads = True
    request_queue_size = 128


def main(argv=None):
    parser = argparse.ArgumentParser(description="Spec-validating stand-in for the providers IntakeGateway calls.")
    parser.add_argument("--specs", required=True, help="directory holding the provider API descriptions (shared/specs)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every provider answer")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the parsed-spec cache")
    parser.add_argument("--verbose", action="store_true", help="log each HTTP request to stderr")
    parser.add_argument("--write-cache", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    specs = os.path.abspath(args.specs)
    if args.write_cache:
        write_caches(specs)
        return 0
    started = time.monotonic()
    stub = Stub(specs, args.latency_ms, use_cache=not args.no_cache)
    if stub.caches_missing():  # cold start: build the caches in another process, so the next start is quick
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "--specs", specs, "--write-cache"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    server = Server(("127.0.0.1", args.port), Handler)
    server.stub, server.verbose = stub, args.verbose
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    try:
        stub.load_all()
    except (OSError, ValueError, yaml.YAMLError) as exc:
        sys.stderr.write(f"provider-stub: cannot load specs from {specs}: {exc}\n")
        return 2
    sys.stderr.write(f"provider-stub: specs loaded in {time.monotonic() - started:.2f}s\n")
    sys.stdout.write(f"LISTENING {server.server_address[1]}\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
