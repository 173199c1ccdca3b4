(function () {
  "use strict";
  var form = document.getElementById("unlock");
  var field = document.getElementById("passphrase");
  var keep = document.getElementById("keep");
  var alertBox = document.getElementById("alert");
  var statusBox = document.getElementById("status");
  var WORDS = JSON.parse(document.getElementById("words").textContent);
  var MSG_WRONG = WORDS.wrong;
  var MSG_DAMAGED = WORDS.damaged;
  var MSG_NO_CRYPTO = WORDS.no_crypto;

  function fail(message) {
    statusBox.textContent = "";
    alertBox.textContent = message;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    field.select();
  }

  function fromB64(b64) {
    var text = atob(b64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function toB64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
  }

  function readParams() {
    try {
      var p = JSON.parse(document.getElementById("sealed").textContent);
      var v = {
        salt: fromB64(p.salt), iv: fromB64(p.iv), data: fromB64(p.ciphertext), iterations: p.iterations
      };
      var ok = p.version === 1 && p.kdf === "PBKDF2" && p.hash === "SHA-256" &&
        p.cipher === "AES-GCM" && Number.isInteger(p.iterations) &&
        p.iterations >= 1 && p.iterations <= 100000000 &&
        v.salt.length === 16 && v.iv.length === 12 && v.data.length >= 16;
      return ok ? v : null;
    } catch (e) {
      return null;
    }
  }

  var params = readParams();
  var subtle = window.crypto && window.crypto.subtle;
  // "Keep unlocked in this tab": the key itself is a non-extractable CryptoKey in IndexedDB, under a
  // random name; only this tab's sessionStorage knows the name (per sealed file: its salt is fresh).
  var slotName = params && "incident-guide:sealed-slot:" + toB64(params.salt);
  var KEEP_MS = 24 * 60 * 60 * 1000;  // keys left behind by closed tabs are removed after a day

  function withStore(mode, action) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("incident-guide-sealed-keys", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("keys"); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result;
        var tx = db.transaction("keys", mode);
        var pending = action(tx.objectStore("keys"));
        tx.oncomplete = function () { db.close(); resolve(pending && pending.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function slot() {
    try { return sessionStorage.getItem(slotName); } catch (e) { return null; }
  }

  function keepKey(key) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var name = toB64(bytes);
    return withStore("readwrite", function (keys) { return keys.put({ key: key, saved: Date.now() }, name); })
      .then(function () { sessionStorage.setItem(slotName, name); })
      .catch(function () { /* storage turned off: the guide still opens, it just will not stay open */ });
  }

  function forgetKey() {
    var name = slot();
    if (!name) return;
    try { sessionStorage.removeItem(slotName); } catch (e) { /* nothing stored */ }
    withStore("readwrite", function (keys) { return keys.delete(name); }).catch(function () {});
  }

  function pruneOldKeys() {
    withStore("readwrite", function (keys) {
      var cursor = keys.openCursor();
      cursor.onsuccess = function () {
        var entry = cursor.result;
        if (!entry) return;
        if (!entry.value || !(entry.value.saved > Date.now() - KEEP_MS)) entry.delete();
        entry.continue();
      };
    }).catch(function () {});
  }

  function decrypt(key) {
    return subtle.decrypt({ name: "AES-GCM", iv: params.iv }, key, params.data);
  }

  function showGuide(plain) {
    // document.open() is ignored while the page is still being parsed: wait for load.
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () { showGuide(plain); });
      return;
    }
    document.open();
    document.write(new TextDecoder().decode(plain));
    document.close();
  }

  function unlock(passphrase) {
    var keepIt = keep.checked;
    var raw = new TextEncoder().encode(passphrase.normalize("NFC"));
    return subtle.importKey("raw", raw, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: params.salt, iterations: params.iterations },
        base, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
    }).then(function (key) {
      return decrypt(key).then(function (plain) {
        if (!keepIt) {
          forgetKey();
          return showGuide(plain);
        }
        // Keep the key, never the passphrase, and only after it has worked.
        return keepKey(key).then(function () { showGuide(plain); });
      });
    });
  }

  function tryStoredKey() {
    var name = slot();
    if (!name || !window.indexedDB) return;
    statusBox.textContent = WORDS.unlocking;
    withStore("readonly", function (keys) { return keys.get(name); }).then(function (entry) {
      if (!entry || !entry.key) throw new Error("no stored key");
      return decrypt(entry.key);
    }).then(showGuide).catch(function () {
      forgetKey();
      statusBox.textContent = "";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    alertBox.textContent = "";
    if (!subtle) return fail(MSG_NO_CRYPTO);
    if (!params) return fail(MSG_DAMAGED);
    field.removeAttribute("aria-invalid");
    statusBox.textContent = WORDS.unlocking;
    unlock(field.value).catch(function () { fail(MSG_WRONG); });
  });

  if (!subtle) {
    alertBox.textContent = MSG_NO_CRYPTO;
  } else if (!params) {
    alertBox.textContent = MSG_DAMAGED;
  } else {
    if (window.indexedDB) pruneOldKeys();
    tryStoredKey();
  }
}());
