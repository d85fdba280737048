// The door scanner, online and offline.
// Online: each scan goes to the JSON API with a fresh nonce. Without network it is judged
// against the attendee list kept in IndexedDB, queued, and sent when the network returns;
// the server's answer wins, and disagreements are listed as conflicts.
(function () {
  "use strict";
  var root = document.querySelector("[data-scanner]");
  if (!root || !window.fetch || !window.indexedDB) return;
  var form = document.getElementById("scan-form");
  var panel = document.getElementById("js-result");
  var status = document.getElementById("offline-status");
  var conflictsBox = document.getElementById("js-conflicts");
  var T = JSON.parse(root.getAttribute("data-texts"));
  var camp = root.getAttribute("data-camp");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var dbPromise = openDb();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.getAttribute("data-sw"), { scope: "/camps/" })
      .catch(function () { /* the page still works online */ });
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("samskab-checkin", 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("attendees", { keyPath: "key" });
        db.createObjectStore("queue", { keyPath: "nonce" });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  // Runs fn on one object store; resolves with the result of the request fn returns.
  function store(name, mode, fn) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var req = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function getAll(name) { return store(name, "readonly", function (s) { return s.getAll(); }); }
  function get(name, key) { return store(name, "readonly", function (s) { return s.get(key); }); }
  function put(name, value) { return store(name, "readwrite", function (s) { return s.put(value); }); }
  function del(name, key) { return store(name, "readwrite", function (s) { return s.delete(key); }); }

  function api(method, url, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 4000);
    return fetch(url, {
      method: method, credentials: "same-origin", signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body ? JSON.stringify(body) : undefined
    }).finally(function () { clearTimeout(timer); });
  }

  function secretOf(text) {
    var m = /\/t\/([A-Za-z0-9_-]{16,64})(?:\.pdf)?\/?$/.exec(text.trim());
    return m ? m[1] : text.trim();
  }

  function sha256(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
      return Array.from(new Uint8Array(buf)).map(function (b) {
        return b.toString(16).padStart(2, "0");
      }).join("");
    });
  }

  function syncAttendees() {
    return get("meta", camp + ":since").then(function (meta) {
      var url = root.getAttribute("data-attendees");
      if (meta) url += "?since=" + encodeURIComponent(meta.value);
      return api("GET", url).then(function (res) {
        if (!res.ok) throw new Error("sync " + res.status);
        return res.json();
      }).then(function (data) {
        return Promise.all(data.attendees.map(function (a) {
          a.key = camp + ":" + a.ticket_hash;
          return put("attendees", a);
        })).then(function () {
          return put("meta", { key: camp + ":since", value: data.server_time });
        });
      });
    });
  }

  function judgeLocally(body) {
    return sha256(secretOf(body.ticket)).then(function (hash) {
      return Promise.all([get("attendees", camp + ":" + hash), get("meta", camp + ":in:" + hash)])
        .then(function (found) {
          var person = found[0], inside = found[1] && found[1].value;
          var result = "ok";
          if (!person) result = "unknown_ticket";
          else if (person.status === "cancelled") result = "cancelled";
          else if (person.status === "waitlisted") result = "waitlisted";
          else if (body.direction === "in" && inside) result = "already_checked_in";
          else if (body.direction === "out" && !inside) result = "not_checked_in";
          var admitted = result === "ok";
          var done = admitted
            ? put("meta", { key: camp + ":in:" + hash, value: body.direction === "in" })
            : Promise.resolve();
          return done.then(function () {
            return { result: result, admitted: admitted, person: person || null, offline: true };
          });
        });
    });
  }

  function show(answer) {
    var tone = answer.admitted ? "ok" : (answer.result === "already_checked_in" ||
      answer.result === "not_checked_in" ? "warn" : "bad");
    panel.className = "scan-result scan-" + tone;
    panel.setAttribute("role", tone === "ok" ? "status" : "alert");
    panel.textContent = "";
    var h = document.createElement("h2");
    h.textContent = T[answer.result] || answer.result;
    panel.appendChild(h);
    if (answer.person) {
      var name = document.createElement("p");
      name.className = "scan-name";
      name.textContent = answer.person.name;
      panel.appendChild(name);
      var org = document.createElement("p");
      org.textContent = answer.person.organisation || "";
      panel.appendChild(org);
      ["diet", "accessibility"].forEach(function (k) {
        if (answer.person[k]) {
          var p = document.createElement("p");
          p.textContent = T[k] + ": " + answer.person[k];
          panel.appendChild(p);
        }
      });
    }
    if (answer.offline) {
      var note = document.createElement("p");
      note.textContent = T.offline_note;
      panel.appendChild(note);
    }
    panel.hidden = false;
    var old = document.querySelector(".scan-result:not(#js-result)");
    if (old) old.remove();
  }

  function refreshStatus() {
    return getAll("queue").then(function (items) {
      status.textContent = (navigator.onLine ? T.online : T.offline) +
        (items.length ? " · " + T.pending.replace("%(n)s", items.length) : "");
    });
  }

  function addConflict(item, answer) {
    var li = document.createElement("li");
    li.className = "recent-warn";
    li.textContent = (answer.person ? answer.person.name : item.ticket) + " · " +
      (T[answer.result] || answer.result);
    conflictsBox.querySelector("ul").appendChild(li);
    conflictsBox.hidden = false;
  }

  var flushing = null;
  function flushQueue() {
    if (flushing) return flushing;  // one sync at a time; callers wait for the running one
    flushing = getAll("queue").then(function (items) {
      return sendAll(items);
    }).catch(function () { /* still offline; try again later */ })
      .finally(function () { flushing = null; refreshStatus(); });
    return flushing;
  }

  function sendAll(items) {
    // In the order they were scanned, so the server sees what happened at the door.
    items.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
    return Promise.resolve().then(function () {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          var body = { ticket: item.ticket, direction: item.direction, nonce: item.nonce,
                       scanned_at: item.scanned_at };
          return api("POST", root.getAttribute("data-scans"), body).then(function (res) {
            if (!res.ok && res.status !== 422) throw new Error("sync " + res.status);
            return res.json().then(function (answer) {
              if (res.ok && answer.admitted !== item.admitted) addConflict(item, answer);
              return del("queue", item.nonce);
            });
          });
        });
      }, Promise.resolve());
    });
  }

  function newNonce() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random())
      .replace(/-/g, "");
  }

  form.addEventListener("submit", function (event) {
    if (form.querySelector('[name="override"]')) return; // overrides go the classic way
    event.preventDefault();
    var ticketField = form.querySelector('[name="ticket"]');
    var direction = form.querySelector('[name="direction"]:checked');
    var body = { ticket: ticketField.value, direction: direction ? direction.value : "in",
                 nonce: newNonce() };
    if (!body.ticket.trim()) { ticketField.focus(); return; }
    ticketField.value = "";
    ticketField.focus();
    api("POST", root.getAttribute("data-scans"), body).then(function (res) {
      if (res.status >= 500) throw new Error("server " + res.status);
      return res.json().then(function (answer) {
        if (!res.ok) { answer = { result: "unknown_ticket", admitted: false }; }
        show(answer);
        if (answer.admitted && answer.person) {
          // Keep the local picture current for the next offline spell.
          sha256(secretOf(body.ticket)).then(function (hash) {
            put("meta", { key: camp + ":in:" + hash, value: body.direction === "in" });
          });
        }
        flushQueue();
      });
    }).catch(function () {
      judgeLocally(body).then(function (answer) {
        body.scanned_at = new Date().toISOString();
        body.admitted = answer.admitted;
        return put("queue", body).then(function () { show(answer); refreshStatus(); });
      });
    });
  });

  window.addEventListener("online", function () { flushQueue(); syncAttendees().catch(function () {}); });
  window.addEventListener("offline", refreshStatus);
  setInterval(function () {
    if (navigator.onLine) { flushQueue(); syncAttendees().catch(function () {}); }
  }, 15000);
  syncAttendees().then(function () {
    root.setAttribute("data-synced", "1");
  }).catch(function () {}).finally(function () {
    root.setAttribute("data-ready", "1");
    refreshStatus();
  });
  flushQueue();
  // For the browser tests and the console: send the queue now, count what waits.
  window.samskabScanner = {
    flush: flushQueue,
    pending: function () { return getAll("queue").then(function (q) { return q.length; }); }
  };
})();
