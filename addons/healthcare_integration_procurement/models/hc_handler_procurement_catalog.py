# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import sql
from psycopg2.extras import execute_values

from odoo import _, fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import catalog

FILE_PAGE_SIZE = 5000
COLUMNS = (
    "partner_id",
    "product_tmpl_id",
    "product_id",
    "product_code",
    "product_name",
    "sequence",
    "min_qty",
    "price",
    "currency_id",
    "date_start",
    "date_end",
    "delay",
    "company_id",
    "hc_catalog_key",
    "hc_backend_id",
    "hc_vendor_uom",
    "hc_review_state",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
# Existing lines keep their price when the new one moves by more than the
# threshold: the new price waits in hc_pending_price for a person's review.
UPSERT = """
INSERT INTO product_supplierinfo AS si ({columns}) VALUES %s
ON CONFLICT (partner_id, hc_catalog_key) WHERE hc_catalog_key IS NOT NULL
DO UPDATE SET
    product_tmpl_id = EXCLUDED.product_tmpl_id,
    product_id = EXCLUDED.product_id,
    product_code = EXCLUDED.product_code,
    product_name = coalesce(EXCLUDED.product_name, si.product_name),
    min_qty = EXCLUDED.min_qty,
    currency_id = EXCLUDED.currency_id,
    date_start = EXCLUDED.date_start,
    date_end = EXCLUDED.date_end,
    delay = EXCLUDED.delay,
    hc_vendor_uom = EXCLUDED.hc_vendor_uom,
    write_uid = EXCLUDED.write_uid,
    write_date = EXCLUDED.write_date,
    hc_pending_price = CASE WHEN {review} THEN EXCLUDED.price END,
    hc_review_state = CASE WHEN {review} THEN 'to_review' ELSE 'ok' END,
    hc_previous_price = CASE
        WHEN NOT {review} AND si.price <> EXCLUDED.price THEN si.price
        ELSE si.hc_previous_price END,
    price = CASE WHEN {review} THEN si.price ELSE EXCLUDED.price END
RETURNING (xmax = 0), hc_review_state
"""
REVIEW = "si.price > 0 AND abs(EXCLUDED.price - si.price) * 100 > si.price * {}"


class HcHandlerProcurementCatalog(models.AbstractModel):
    """Catalog and contract prices in: vendor price lines, in bulk.

    Batch pull (``process_items``, one page of JSON items) or a CSV file
    (``process``, read page by page). Products are found, per page and in a
    few queries, by the backend's product crosswalk, the supplier's item code
    or the GTIN; units by the unit crosswalk; prices are converted to the
    product's purchase unit. Lines are written with one multi-row
    INSERT ... ON CONFLICT per page. Unknown items, units and currencies are
    listed on the run as issues with their codes; they do not fail the page.
    """

    _name = "hc.handler.procurement.catalog"
    _inherit = "hc.handler"
    _description = "Procurement handler: catalog and contract prices in"
    _hc_directions = ("inbound",)

    def process_items(self, message, items):
        supplier = self.env["hc.procurement.resolver"]._supplier(message.backend_id)
        return self._apply_items(message.flow_id, supplier, items)

    def process(self, message, document):
        """A CSV price file: applied page by page, summed up in a sync run."""
        supplier = self.env["hc.procurement.resolver"]._supplier(message.backend_id)
        try:
            totals, issues = self._apply_file(message.flow_id, supplier, document)
        except (UnicodeDecodeError, ValueError) as exc:
            raise HcBusinessError(
                _("The price file cannot be read: %s", exc), kind="invalid_file"
            ) from None
        return self._file_run(message, totals, issues)

    def _apply_file(self, flow, supplier, data):
        """(counts, issues) of a CSV price file, applied page by page.

        The products found for the item codes of a page are remembered for
        the next pages of the same file.
        """
        totals = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        issues, known = [], {}
        for rows in catalog.iter_csv_pages(data, FILE_PAGE_SIZE):
            counts = self._apply_items(flow, supplier, rows, known=known)
            issues.extend(counts.pop("issues"))
            for key in totals:
                totals[key] += counts[key]
        return totals, issues

    def _file_run(self, message, totals, issues):
        """A finished sync run listing the file's counts and issues."""
        run = (
            self.env["hc.sync.run"]
            .sudo()
            .create(
                {
                    "flow_id": message.flow_id.id,
                    "kind": "pull",
                    "origin": "manual",
                    "state": "done",
                    "pull_finished": True,
                    "page_count": 1,
                    "pages_done": 1,
                    "ended_at": fields.Datetime.now(),
                    "correlation_id": message.correlation_id,
                    **{f"count_{key}": value for key, value in totals.items()},
                }
            )
        )
        if issues:
            self.env["hc.sync.issue"]._record(run, message, issues)
        return run

    # ------------------------------------------------------------------ bulk apply

    def _apply_items(self, flow, supplier, items, known=None):
        """Apply a page of price lines; ``known`` caches products across pages."""
        lines, errors = catalog.read_lines(items)
        issues = [
            {"item": ref, "kind": "invalid_line", "code": exc.field, "text": str(exc)}
            for ref, exc in errors
        ]
        backend = flow.backend_id
        known = {} if known is None else known
        products = self._products(backend, supplier, lines, known)
        uoms = self._uoms(backend, {line.uom for line in lines if line.uom})
        company = flow.company_id
        currencies = self._currencies(
            {line.currency for line in lines} | {company.currency_id.name}
        )
        rows = []
        now = fields.Datetime.now()
        uid = self.env.uid
        for line in lines:
            product = products.get(line.item_code) or products.get(line.gtin)
            if not product:
                issues.append(self._issue(line, "unknown_item", line.item_code))
                continue
            price, min_qty, problem = self._in_purchase_unit(line, product, uoms)
            if problem:
                issues.append(self._issue(line, problem, line.uom))
                continue
            currency = currencies.get(line.currency or company.currency_id.name)
            if not currency:
                issues.append(self._issue(line, "unknown_currency", line.currency))
                continue
            rows.append(
                (
                    supplier.id,
                    product["tmpl"],
                    product["id"],
                    line.item_code,
                    line.description,
                    1,
                    min_qty,
                    price,
                    currency,
                    line.date_start,
                    line.date_end,
                    line.lead_time_days or 1,
                    company.id,
                    line.key,
                    backend.id,
                    line.uom,
                    "ok",
                    uid,
                    uid,
                    now,
                    now,
                )
            )
        created = updated = 0
        if rows:
            created, updated = self._upsert(rows, backend)
        return {
            "created": created,
            "updated": updated,
            "skipped": len(issues),
            "failed": 0,
            "issues": issues,
        }

    @staticmethod
    def _issue(line, kind, code):
        texts = {
            "unknown_item": "No product for item %(item)s (crosswalk, supplier "
            "code or GTIN %(gtin)s).",
            "unknown_uom": "Unit %(code)s of item %(item)s has no crosswalk.",
            "incompatible_uom": "Unit %(code)s of item %(item)s cannot be "
            "converted to the product's purchase unit.",
            "unknown_currency": "Currency %(code)s of item %(item)s is unknown.",
        }
        return {
            "item": line.item_code,
            "kind": kind,
            "code": code,
            "text": texts[kind]
            % {"item": line.item_code, "gtin": line.gtin or "-", "code": code},
        }

    def _upsert(self, rows, backend):
        self.env["product.supplierinfo"].check_access("create")
        threshold = max(backend.procurement_price_review_percent or 0.0, 0.0)
        review = sql.SQL(REVIEW).format(sql.Literal(threshold))
        statement = sql.SQL(UPSERT).format(
            columns=sql.SQL(", ").join(map(sql.Identifier, COLUMNS)), review=review
        )
        self.env["product.supplierinfo"].flush_model()
        results = execute_values(
            self.env.cr,
            statement.as_string(self.env.cr._cnx),
            rows,
            page_size=len(rows),
            fetch=True,
        )
        self.env["product.supplierinfo"].invalidate_model()
        created = sum(1 for inserted, _state in results if inserted)
        return created, len(results) - created

    # ------------------------------------------------------------------ lookups

    def _products(self, backend, supplier, lines, known):
        """{item code or GTIN: {"id", "tmpl", "uom", "category"}}, in 4 queries
        for the codes ``known`` (codes already looked up, found or not) lacks."""
        codes = list({line.item_code for line in lines} - set(known))
        gtins = list({line.gtin for line in lines if line.gtin} - set(known))
        if codes or gtins:
            known.update(dict.fromkeys(codes + gtins))
            known.update(self._lookup_products(backend, supplier, codes, gtins))
        return known

    def _lookup_products(self, backend, supplier, codes, gtins):
        found = {}
        crosswalk = self.env["hc.crosswalk"]._resolve_many(backend, "product", codes)
        by_id = {
            code: entry.record_ref.id
            for code, entry in crosswalk.items()
            if entry.record_ref and entry.record_ref._name == "product.product"
        }
        cr = self.env.cr
        self.env["product.supplierinfo"].flush_model()
        # one index probe per distinct code, however many price lines the
        # supplier already has for it
        cr.execute(
            """
            SELECT c.code, found.product_id
              FROM unnest(%s::varchar[]) AS c(code)
             CROSS JOIN LATERAL (
                   SELECT coalesce(si.product_id, pp.id) AS product_id
                     FROM product_supplierinfo si
                     JOIN product_product pp ON pp.product_tmpl_id = si.product_tmpl_id
                    WHERE si.partner_id = %s AND si.product_code = c.code
                    ORDER BY si.id, pp.id
                    LIMIT 1
             ) AS found
            """,
            (codes, supplier.id),
        )
        for code, product_id in cr.fetchall():
            by_id.setdefault(code, product_id)
        if gtins:
            self.env["product.product"].flush_model(["barcode"])
            cr.execute(
                "SELECT barcode, id FROM product_product WHERE barcode = ANY(%s)",
                (gtins,),
            )
            by_id.update(dict(cr.fetchall()))
        if not by_id:
            return found
        cr.execute(
            """
            SELECT pp.id, pt.id, pt.uom_po_id, u.category_id, u.factor
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom u ON u.id = pt.uom_po_id
             WHERE pp.id = ANY(%s)
            """,
            (list(set(by_id.values())),),
        )
        info = {
            pid: {"id": pid, "tmpl": tmpl, "uom": uom, "category": cat, "factor": f}
            for pid, tmpl, uom, cat, f in cr.fetchall()
        }
        return {key: info[pid] for key, pid in by_id.items() if pid in info}

    def _uoms(self, backend, codes):
        """{unit code: (category, factor)} of the mapped unit codes."""
        entries = self.env["hc.crosswalk"]._resolve_many(backend, "uom", list(codes))
        return {
            code: (entry.record_ref.category_id.id, entry.record_ref.factor)
            for code, entry in entries.items()
            if entry.record_ref and entry.record_ref._name == "uom.uom"
        }

    def _currencies(self, codes):
        names = [code for code in codes if code]
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search_read([("name", "in", names)], ["name"])
        )
        return {c["name"]: c["id"] for c in currencies}

    @staticmethod
    def _in_purchase_unit(line, product, uoms):
        """(price, min qty) in the product's purchase unit, or the problem."""
        price, min_qty = float(line.price), float(line.min_qty)
        if not line.uom:
            return price, min_qty, None
        unit = uoms.get(line.uom)
        if unit is None:
            return None, None, "unknown_uom"
        category, factor = unit
        if category != product["category"]:
            return None, None, "incompatible_uom"
        # Odoo's uom._compute_price / _compute_quantity, without a query per line
        ratio = product["factor"] / factor
        return price / ratio, round(min_qty * ratio, 6), None
