# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models

from ..lib import fhir_http


class HcEhrFhirResource(models.Model):
    """One version of a FHIR resource received on (or published by) the endpoint.

    The FHIR endpoint's resource store: what ``read``, ``vread`` and
    ``search`` answer. A version is written in the transaction that stores the
    received message, so the id the client is told in ``Location`` is durable
    before the message is processed. ``content`` is the screened resource as
    stored (patient references tokenized, personal data dropped), with its
    ``id`` and ``meta``.
    """

    _name = "hc.ehr.fhir.resource"
    _description = "EHR FHIR resource version"
    _order = "id desc"
    _rec_name = "logical_id"

    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    resource_type = fields.Char(required=True, index=True)
    logical_id = fields.Char(string="Id", required=True, index=True)
    version = fields.Integer(required=True, default=1)
    current = fields.Boolean(default=True, index=True)
    message_id = fields.Many2one("hc.message", index=True, ondelete="set null")
    last_updated = fields.Datetime(required=True, default=fields.Datetime.now)
    status = fields.Char(index=True)
    # "\n<system>|<value>\n" per identifier: searched with LIKE
    identifier_keys = fields.Char()
    based_on = fields.Char(help="References of basedOn, one a line")
    content = fields.Text(required=True)

    _sql_constraints = [
        (
            "version_unique",
            "unique(backend_id, resource_type, logical_id, version)",
            "A version of a resource is stored once.",
        )
    ]

    # ------------------------------------------------------------------ reading

    def _resource(self):
        return json.loads(self.content)

    @api.model
    def _latest(self, backend, resource_type, logical_id):
        return self._version(backend, resource_type, logical_id)

    @api.model
    def _version(self, backend, resource_type, logical_id, version=None):
        """One version of a resource (the current one without ``version``)."""
        which = ("current", "=", True) if version is None else ("version", "=", version)
        return self.search(
            [
                ("backend_id", "=", backend.id),
                ("resource_type", "=", resource_type),
                ("logical_id", "=", logical_id),
                which,
            ],
            limit=1,
        )

    @api.model
    def _next_version(self, backend, resource_type, logical_id):
        """The next version id, the current version locked until commit.

        Two updates of one resource at once: the second waits for the first,
        then fails to serialize and Odoo runs its request again, which reads
        the first one's version (the ORM has no row lock: hence the SQL).
        """
        latest = self._latest(backend, resource_type, logical_id)
        if latest:
            self.env.cr.execute(
                "SELECT id FROM hc_ehr_fhir_resource WHERE id = %s FOR UPDATE",
                (latest.id,),
            )
        return (latest.version or 0) + 1

    @api.model
    def _search_domain(self, backend, resource_type, search):
        """The domain of a parsed ``fhir_http.Search`` (criteria AND-ed)."""
        domain = [
            ("backend_id", "=", backend.id),
            ("resource_type", "=", resource_type),
            ("current", "=", True),
        ]
        if search.ids:
            domain.append(("logical_id", "in", search.ids))
        if search.statuses:
            domain.append(("status", "in", search.statuses))
        for values, field_name in (
            (
                [self._identifier_like(s, v) for s, v in search.identifiers],
                "identifier_keys",
            ),
            ([f"\n{ref}\n" for ref in search.based_on], "based_on"),
        ):
            if values:
                domain += ["|"] * (len(values) - 1)
                domain += [(field_name, "like", value) for value in values]
        for operator, start, end in search.updated:
            domain += self._date_domain(operator, start, end)
        return domain

    @staticmethod
    def _identifier_like(system, value):
        if system is None:
            return f"|{value}\n"
        return f"\n{system}|{value}\n"

    @staticmethod
    def _date_domain(operator, start, end):
        field_name = "last_updated"
        if operator in ("gt", "sa"):
            return [(field_name, ">=", end)]
        if operator == "ge":
            return [(field_name, ">=", start)]
        if operator in ("lt", "eb"):
            return [(field_name, "<", start)]
        if operator == "le":
            return [(field_name, "<", end)]
        if operator == "ne":
            return ["|", (field_name, "<", start), (field_name, ">=", end)]
        return [(field_name, ">=", start), (field_name, "<", end)]

    @api.model
    def _find(self, backend, resource_type, search):
        """(one page of versions, total) of a search."""
        domain = self._search_domain(backend, resource_type, search)
        total = self.search_count(domain)
        if search.summary_count or not search.count:
            return self.browse(), total
        page = self.search(
            domain,
            offset=search.offset,
            limit=search.count,
            order="last_updated desc, id desc",
        )
        return page, total

    # ------------------------------------------------------------------ writing

    @api.model
    def _record_stored(self, backend, message, resources):
        """Index the stamped resources of a stored message; the new versions."""
        created = self.browse()
        for resource in resources:
            rtype, rid = resource.get("resourceType"), resource.get("id")
            if not rtype or not rid:
                continue
            meta = resource.get("meta") or {}
            version = int(meta.get("versionId") or 1)
            known = self._version(backend, rtype, rid, version)
            if known:  # a conditional create answered by its match
                created |= known
                continue
            previous = self._latest(backend, rtype, rid)
            previous.current = False
            created |= self.create(
                {
                    "backend_id": backend.id,
                    "resource_type": rtype,
                    "logical_id": rid,
                    "version": version,
                    "message_id": message.id,
                    "last_updated": self._instant(meta.get("lastUpdated")),
                    "status": resource.get("status") or False,
                    "identifier_keys": self._identifier_keys(resource),
                    "based_on": self._based_on(resource),
                    "content": json.dumps(resource, ensure_ascii=False, sort_keys=True),
                }
            )
        return created

    @api.model
    def _publish_sent(self, message):
        """Store the resource an outbound message carried, once delivered."""
        try:
            resource = json.loads(message._body() or b"{}")
        except ValueError:
            return self.browse()
        if not isinstance(resource, dict) or not resource.get("id"):
            return self.browse()
        return self._publish(message.backend_id, message, resource)

    @api.model
    def _publish(self, backend, message, resource):
        """Store a version of a resource Odoo sent (its next version, now)."""
        resource = dict(resource)
        now = fields.Datetime.now()
        version = self._next_version(backend, resource["resourceType"], resource["id"])
        resource["meta"] = {
            **(resource.get("meta") or {}),
            "versionId": str(version),
            "lastUpdated": fhir_http.instant(now),
        }
        return self._record_stored(backend, message, [resource])

    @staticmethod
    def _instant(value):
        try:
            return fields.Datetime.to_datetime(value[:19].replace("T", " "))
        except (TypeError, ValueError):
            return fields.Datetime.now()

    @staticmethod
    def _identifier_keys(resource):
        identifiers = resource.get("identifier") or []
        if isinstance(identifiers, dict):
            identifiers = [identifiers]
        keys = [
            f"{i.get('system') or ''}|{i['value']}"
            for i in identifiers
            if isinstance(i, dict) and i.get("value")
        ]
        return "\n" + "\n".join(keys) + "\n" if keys else False

    @staticmethod
    def _based_on(resource):
        refs = [
            ref.get("reference")
            for ref in resource.get("basedOn") or []
            if isinstance(ref, dict) and isinstance(ref.get("reference"), str)
        ]
        return "\n" + "\n".join(refs) + "\n" if refs else False

    def _answer_headers(self, base):
        """Location, ETag and Last-Modified of this version."""
        return {
            "Location": f"{base}/{self.resource_type}/{self.logical_id}"
            f"/_history/{self.version}",
            "ETag": fhir_http.etag(self.version),
            "Last-Modified": fhir_http.http_date(self.last_updated),
        }
