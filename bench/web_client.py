"""A browser's session on Odoo's web client, for the page benchmark
(``bench_pages.py``): JSON-RPC calls as the web client makes them, and what a
page asks (its views, then the records by the web client's read spec)."""

import itertools

import requests


class Client:
    """A browser's session: JSON-RPC calls as the web client makes them."""

    ids = itertools.count(1)

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.http = requests.Session()

    def post(self, path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(self.ids)}
        payload["params"] = params
        answer = self.http.post(self.url + path, json=payload, timeout=120).json()
        if answer.get("error"):
            raise RuntimeError(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def login(self, login, password):
        return self.post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )

    def call(self, model, method, *args, **kwargs):
        return self.post(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def button(self, model, method, ids):
        return self.post(
            "/web/dataset/call_button",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        [data] = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return data["res_id"]

    # ------------------------------------------------------------ what a page asks

    def views(self, model, kinds, action=None):
        result = self.call(
            model,
            "get_views",
            views=[[False, kind] for kind in kinds],
            options={"action_id": action, "load_filters": True, "toolbar": True},
        )
        return result["models"][model]["fields"]

    @staticmethod
    def spec(fields):
        """The web client's read specification for these fields (relations by
        their display name)."""
        spec = {}
        for name, field in fields.items():
            relational = field["type"] in ("many2one", "one2many", "many2many")
            spec[name] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    def form(self, model, res_id, action=None):
        fields = self.views(model, ["form", "search"], action)
        return self.call(model, "web_read", [res_id], specification=self.spec(fields))

    def listing(self, model, domain, action=None, limit=80):
        fields = self.views(model, ["list", "search"], action)
        return self.call(
            model,
            "web_search_read",
            domain=domain,
            specification=self.spec(fields),
            limit=limit,
        )
