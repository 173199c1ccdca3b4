"""WeasyPrint's URL fetcher for guides: bundled assets and the plan's own files, nothing else.

Imported only by generator.render.pdf (it needs WeasyPrint). What may be read is
decided by generator.assets.AssetPolicy; this class only speaks WeasyPrint's
fetcher protocol (WeasyPrint >= 70: subclass URLFetcher, override `fetch`).

A refusal is recorded on the fetcher and raised as a FatalURLFetchingError, which
WeasyPrint does not swallow, so the build stops at once. Where WeasyPrint catches
everything anyway (sub-resources of an SVG picture) the recorded refusal still fails
the build: generator.render.pdf checks `fetcher.refused` after rendering.
"""

from __future__ import annotations

from typing import NoReturn
from urllib.parse import urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..assets import AssetPolicy, RefusedResource


class Refused(FatalURLFetchingError):
    """Stops WeasyPrint; carries the RefusedResource with the message for the organizer."""

    def __init__(self, error: RefusedResource):
        self.error = error
        super().__init__(str(error))


class GuideURLFetcher(URLFetcher):
    """Serves template assets and regular files under the plan's folder; refuses the rest.

    `asked` lists every URL WeasyPrint asked for, `refused` every refusal. After
    layout, `close()` makes every further request a refusal: WeasyPrint fetches
    attachments (`<link rel=attachment>`, `<a rel=attachment>`) only when it writes
    the PDF, and a guide never carries attachments.
    """

    def __init__(self, policy: AssetPolicy):
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.policy = policy
        self.asked: list[str] = []
        self.refused: list[RefusedResource] = []
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.asked.append(url)
        if self.closed:
            self._refuse(self.policy.refuse(url, "guides do not carry attachments"))
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            if url[5:].lower().startswith("image/"):  # a picture from the plan's text: checked as a picture file is
                try:
                    self.policy.check_data_picture(url)
                except RefusedResource as error:
                    self._refuse(error)
            # Decoded by urllib's data: handler, without any I/O.
            return super().fetch(url, headers)
        try:
            content, media_type, path = self.policy.read(url)
            if not self.policy.is_template_asset(path):  # the plan's own files are pictures, checked as such
                self.policy.check_picture(url, content, media_type)
        except RefusedResource as error:
            self._refuse(error)
        return URLFetcherResponse(path.as_uri(), content, {"Content-Type": media_type})

    def _refuse(self, error: RefusedResource) -> NoReturn:
        self.refused.append(error)
        raise Refused(error)
