"""The HTML guides' one script and the hash by which their Content-Security-Policy allows it."""

from __future__ import annotations

import base64
import hashlib

# The HTML guides' one script: marks the rota row that is on now by the device's clock and closes
# the jump menu after a jump. The page's Content-Security-Policy allows exactly this script by its
# hash; without it the page is the same, unmarked, with the menu left open.
NOW_SCRIPT = (
    "document.addEventListener('DOMContentLoaded',function(){var now=Date.now();"
    "document.querySelectorAll('.jump a').forEach(function(link){link.addEventListener('click',"
    "function(){link.closest('details').open=false;});});"
    "document.querySelectorAll('tr[data-start]').forEach(function(row){"
    "if(Date.parse(row.dataset.start)<=now&&now<Date.parse(row.dataset.end)){"
    "row.classList.add('now');var mark=document.createElement('strong');mark.className='now-mark';"
    "mark.textContent=' On now';row.cells[0].appendChild(mark);}});});"
)
NOW_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(NOW_SCRIPT.encode("utf-8")).digest()).decode("ascii")
