# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import filetransport, formats, transport
from ..lib.receive import DUPLICATE, REFUSED, InboundRequest

_logger = logging.getLogger(__name__)

FILE_TRANSPORTS = ("sftp", "folder")


class HcBackendFile(models.AbstractModel):
    """File transports: partners that exchange files over SFTP or a shared folder.

    An outbound message is written as one file in the backend's out folder
    (atomically: temporary name, then rename), named by its flow's pattern. A
    scheduled inbound flow lists the in folder; each new file becomes one
    inbound message (idempotent by name and content) and is moved to the
    archive folder by its processing job, which runs only once the message is
    committed: a file is never archived before it is safely stored.
    Inherited by ``hc.backend``.
    """

    _name = "hc.backend.file"
    _description = "Integration Backend: File Transports"

    transport = fields.Selection(
        [("http", "HTTP"), ("sftp", "SFTP"), ("folder", "Local folder")],
        required=True,
        default="http",
        tracking=True,
    )
    file_host = fields.Char(string="SFTP host", tracking=True)
    file_port = fields.Integer(string="SFTP port", default=22)
    file_username = fields.Char(string="SFTP user")
    file_host_key = fields.Char(
        string="Pinned host key",
        tracking=True,
        help="The server's public key ('ssh-ed25519 AAAA...', as in known_hosts) "
        "or its fingerprint ('SHA256:...'). Connections to any other key are "
        "refused.",
    )
    file_root = fields.Char(
        string="Root folder",
        help="Remote folder on the SFTP server, or local path of a mounted share.",
    )
    file_in_dir = fields.Char(string="In folder", default="in")
    file_out_dir = fields.Char(string="Out folder", default="out")
    file_archive_dir = fields.Char(string="Archive folder", default="archive")

    @api.constrains("transport", "file_host", "file_root", "file_host_key")
    def _check_file_transport(self):
        for backend in self:
            if backend.transport == "sftp" and not (
                backend.file_host and backend.file_host_key
            ):
                raise ValidationError(
                    _("An SFTP backend needs a host and the server's pinned host key.")
                )
            if backend.transport == "folder" and not backend.file_root:
                raise ValidationError(_("A folder backend needs its root folder."))

    def _is_file_transport(self):
        """Whether the backend exchanges files (False for no backend yet)."""
        return len(self) == 1 and self._job_settings().transport in FILE_TRANSPORTS

    def _file_config(self):
        self.ensure_one()
        return filetransport.FileConfig(
            kind=self.transport,
            root=self.file_root or "",
            in_dir=self.file_in_dir or "in",
            out_dir=self.file_out_dir or "out",
            archive_dir=self.file_archive_dir or "archive",
            host=self.file_host or "",
            port=self.file_port or 22,
            username=self.file_username or "",
            password=self._secret("credential"),
            private_key_pem=self._secret("ssh_key"),
            host_key=self.file_host_key or "",
            timeout=self.connect_timeout or 10.0,
        )

    # ------------------------------------------------------------------ outbound

    def _file_send(self, body, message=None):
        """Write ``body`` as the file of ``message``; an HttpResult-like answer."""
        self._check_environment()
        name = self._file_name(message)
        started = time.monotonic()
        with filetransport.connect(self._file_config()) as files:
            written = files.put(name, body or b"")
        if message:
            message.sudo().file_name = name
        return transport.HttpResult(
            status=201,
            headers={"Location": written},
            body=b"",
            elapsed=time.monotonic() - started,
            request_headers={"File": name},
        )

    def _file_name(self, message):
        """The name of ``message``'s file, from its flow's pattern."""
        flow = message.flow_id if message else None
        pattern = (flow and flow.file_name_pattern) or "{name}.{ext}"
        values = {
            "name": message.name if message else "test",
            "key": (message and message.idempotency_key) or "",
            "ext": formats.get(flow.payload_format).file_extension if flow else "txt",
            "ts": time.strftime("%Y%m%d%H%M%S"),
            "flow": flow.code if flow else "",
        }
        if flow:
            values.update(flow._handler().file_name_values(message.sudo()) or {})
        return filetransport.render_name(pattern, values)

    # ------------------------------------------------------------------ inbound

    def _file_pull(self, run, limit=500):
        """Store the new files of the in folder as messages of ``run``'s flow.

        Returns (stored, duplicates). Files already stored (same name and
        content) are archived at once: their message is committed already.
        """
        self.ensure_one()
        flow = run.flow_id
        stored = duplicates = refused = 0
        with filetransport.connect(self._file_config()) as files:
            listed = files.list(flow.file_glob or "*")[:limit]
            for done, remote in enumerate(listed):
                # the run's screens show the file at work (hc.live)
                self.env["hc.live"]._progress_now(
                    run,
                    file=remote.name,
                    done=done,
                    total=len(listed),
                    stored=stored,
                    skipped=duplicates,
                )
                try:
                    body = files.get(remote.name)
                except FileNotFoundError:
                    # archived since it was listed, by the job of the message
                    # stored for it (on this node or another): already taken
                    continue
                request = InboundRequest(
                    door="file",
                    backend_code=self.code,
                    body=body,
                    authenticated_by_transport=True,
                    file_name=remote.name,
                    idempotency_key=filetransport.file_key(remote.name, body),
                    correlation_id=run.correlation_id,
                    remote_addr=f"file {remote.name}",
                )
                receipt = self.env["hc.receive"]._receive(request, flow)
                if receipt.outcome == DUPLICATE:
                    duplicates += 1
                    files.archive(remote.name)
                elif receipt.outcome == REFUSED:
                    # left in the folder, counted in Refused requests; picked
                    # up again once the flow's limits or format are mended
                    refused += 1
                else:
                    stored += 1
        if refused:
            _logger.warning("%s: %s file(s) refused, left in place", self.code, refused)
        return stored, duplicates

    def _file_archive(self, name):
        """Move a picked-up file to the archive folder (after its message commits)."""
        self.ensure_one()
        try:
            with filetransport.connect(self._file_config()) as files:
                files.archive(name)
        except (filetransport.FileTransportError, FileNotFoundError) as exc:
            # the next pull finds it again, sees a duplicate and archives it
            _logger.warning("could not archive %s on %s: %s", name, self.code, exc)
            return False
        return True
