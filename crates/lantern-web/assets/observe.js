// Lantern's capture page. Every tap becomes an event with an id made here (a random UUID) and this
// device's time, kept in localStorage first and shown at once, then sent to the server in batches. A
// batch whose answer never came is simply sent again: the server keeps events by id, so it counts each
// once. So observing carries on through a dropped connection and catches up when it is back.
(function () {
  'use strict';
  var root = document.getElementById('capture');
  if (!root || root.dataset.capturing !== 'true') return;

  var SESSION = root.dataset.session;
  var KEY = 'lantern.observe.' + SESSION;
  var MAX_EVENTS = 200; // the server takes up to 500; 200 keeps well inside its 64 KiB body limit
  var MAX_BYTES = 48 * 1024; // notes can be long, so batches are cut by size too
  var RETRY_MS = 5000;
  var RANK = { resumed: 0, task_started: 1, interruption: 2, note: 3, task_ended: 4, paused: 5, session_ended: 6 };
  // Instants in milliseconds. The server writes up to nine digits of a second; some browsers' Date.parse
  // take only three.
  function ms(at) { return Date.parse(String(at).replace(/(\.\d{3})\d+/, '$1')); }
  var started = ms(root.dataset.started);
  // The server's clock less this device's, from when the page was drawn: a tablet whose clock is a
  // few minutes out still records events inside the session.
  var offset = ms(root.dataset.now) - Date.now();
  var dimensions = JSON.parse(root.dataset.dimensions);
  var sources = JSON.parse(root.dataset.sources);
  var $ = function (id) { return document.getElementById(id); };

  var state = load();
  var sending = false;
  var problem = null; // why the last attempt failed, while events still wait

  function load() {
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(KEY) || 'null'); } catch (e) { saved = null; }
    var s = saved && Array.isArray(saved.events) ? saved : { events: [], pending: [] };
    // What the server already has (drawn into the page) joins what this device recorded.
    var known = {};
    s.events.forEach(function (e) { known[e.id] = true; });
    JSON.parse(root.dataset.events).forEach(function (e) {
      if (!known[e.id]) s.events.push(e);
      s.pending = s.pending.filter(function (id) { return id !== e.id; });
    });
    return s;
  }

  function save() {
    try {
      if (replay().ended && state.pending.length === 0) window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) { /* storage full or blocked: the events are still held in this page */ }
  }

  function ordered() {
    return state.events.slice().sort(function (a, b) {
      return (ms(a.at) - ms(b.at)) || (RANK[a.type] - RANK[b.type]) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }

  // The timeline the events add up to, as the server works it out.
  function replay() {
    var tasks = {}, running = [], paused = false, ended = false;
    ordered().forEach(function (e) {
      if (e.type === 'task_started') { tasks[e.id] = e; running.push(e.id); }
      else if (e.type === 'task_ended') running = running.filter(function (id) { return id !== e.task; });
      else if (e.type === 'paused') paused = true;
      else if (e.type === 'resumed') paused = false;
      else if (e.type === 'session_ended') { ended = true; paused = false; running = []; }
    });
    return { tasks: tasks, running: running.map(function (id) { return tasks[id]; }), paused: paused, ended: ended };
  }

  function now() {
    var last = state.events.reduce(function (m, e) { return Math.max(m, ms(e.at)); }, started);
    // Strictly after the last event, so taps keep their order even within one millisecond.
    return new Date(Math.max(Date.now() + offset, last + 1)).toISOString();
  }

  // crypto.randomUUID exists only on secure origins; a practice serving Lantern over plain HTTP on
  // its own network still gets version 4 UUIDs, from the same random source.
  function uuid() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function record(fields) {
    var event = Object.assign({ id: uuid(), at: now() }, fields);
    state.events.push(event);
    state.pending.push(event.id);
    save();
    render();
    send();
    return event;
  }

  function label(code, value) {
    var d = dimensions.find(function (x) { return x.code === code; });
    var c = d && d.categories.find(function (x) { return x.code === value; });
    return c ? c.label : value;
  }

  function describeValues(values) {
    return dimensions.filter(function (d) { return values[d.code] !== undefined; })
      .map(function (d) { return label(d.code, values[d.code]); }).join(', ');
  }

  function describe(e, tasks) {
    switch (e.type) {
      case 'task_started': return 'Started: ' + describeValues(e.values);
      case 'task_ended': return 'Ended: ' + (tasks[e.task] ? describeValues(tasks[e.task].values) : 'a task');
      case 'interruption': {
        var s = sources.find(function (x) { return x.code === e.source; });
        return 'Interruption: ' + (s ? s.label : e.source);
      }
      case 'note': return 'Note: ' + e.text;
      case 'paused': return 'Paused';
      case 'resumed': return 'Resumed';
      default: return 'Session ended';
    }
  }

  function time(at) {
    var d = new Date(ms(at));
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return String(n).padStart(2, '0'); }).join(':');
  }

  function render() {
    var t = replay();
    var running = $('running');
    running.replaceChildren.apply(running, t.running.map(function (task) {
      var li = document.createElement('li');
      li.className = 'lantern-capture__task-running';
      var text = document.createElement('span');
      text.textContent = describeValues(task.values) + ', since ' + time(task.at);
      var end = document.createElement('button');
      end.type = 'button';
      end.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small lantern-capture__end';
      end.textContent = 'End';
      var hidden = document.createElement('span');
      hidden.className = 'nhsuk-u-visually-hidden';
      hidden.textContent = ' ' + describeValues(task.values) + ', started ' + time(task.at);
      end.appendChild(hidden);
      end.addEventListener('click', function () {
        record({ type: 'task_ended', task: task.id });
        $('running-heading').focus();
      });
      li.append(text, end);
      return li;
    }));
    $('none-running').hidden = t.running.length > 0;
    var waiting = {};
    state.pending.forEach(function (id) { waiting[id] = true; });
    var timeline = $('timeline');
    timeline.replaceChildren.apply(timeline, ordered().map(function (e) {
      var li = document.createElement('li');
      var at = document.createElement('span');
      at.className = 'lantern-capture__time';
      at.textContent = time(e.at);
      li.append(at, ' ' + describe(e, t.tasks));
      if (waiting[e.id]) {
        var w = document.createElement('strong');
        w.className = 'nhsuk-tag nhsuk-tag--grey lantern-tag-small';
        w.textContent = 'Waiting to be saved';
        li.append(' ', w);
      }
      return li;
    }));
    $('timeline-empty').hidden = state.events.length > 0;
    $('start-task').disabled = t.paused;
    $('record-interruption').disabled = t.paused;
    $('paused-note').hidden = !t.paused;
    $('pause').textContent = t.paused ? 'Resume' : 'Pause';
    $('controls').hidden = t.ended;
    $('ended-note').hidden = !t.ended;
    status();
  }

  function plural(n) { return n + (n === 1 ? ' event' : ' events'); }

  function status() {
    var n = state.pending.length;
    var text;
    if (n === 0) text = state.events.length ? 'Saved' : 'Ready: nothing recorded yet';
    else if (!navigator.onLine || problem === 'offline') text = 'Offline \u2014 ' + plural(n) + ' waiting';
    else if (problem === 'signed-out') text = 'Signed out \u2014 ' + plural(n) + ' waiting. Sign in again in another tab; they are sent when you are back.';
    else if (problem) text = 'Not saved yet \u2014 ' + plural(n) + ' waiting: ' + problem;
    else text = 'Saving \u2014 ' + plural(n) + ' waiting';
    var el = $('sync-status');
    if (el.textContent !== text) el.textContent = text;
  }

  // The next batch: pending events in the order they were recorded, cut by count and by size.
  function nextBatch() {
    var byId = {};
    state.events.forEach(function (e) { byId[e.id] = e; });
    var batch = [], bytes = 20;
    for (var i = 0; i < state.pending.length && batch.length < MAX_EVENTS; i++) {
      var e = byId[state.pending[i]];
      var size = JSON.stringify(e).length + 1;
      if (batch.length > 0 && bytes + size > MAX_BYTES) break;
      batch.push(e);
      bytes += size;
    }
    return batch;
  }

  function send() {
    if (sending || state.pending.length === 0) return status();
    if (!navigator.onLine) { problem = 'offline'; return status(); }
    var batch = nextBatch();
    sending = true;
    status();
    fetch('/api/v1/sessions/' + SESSION + '/events', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ events: batch }),
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        sending = false;
        answered(response.status, body, batch);
      });
    }, function () {
      sending = false;
      problem = 'offline';
      status();
    });
  }

  function answered(code, body, batch) {
    if (code === 200) {
      var sent = {};
      batch.forEach(function (e) { sent[e.id] = true; });
      state.pending = state.pending.filter(function (id) { return !sent[id]; });
      problem = null;
      save();
      render();
      if (state.pending.length) send();
    } else if (code === 422 && refuse(body, batch)) {
      problem = null;
      send();
    } else {
      problem = code === 401 ? 'signed-out' : (body && body.error && body.error.message) || 'the server answered ' + code;
      status();
    }
  }

  // A refused batch stores nothing. The answer names the event at fault (`events[i]`): it is taken
  // out and the observer told why; the rest are sent again. Returns false if no event was named.
  function refuse(body, batch) {
    var fields = (body && body.error && body.error.fields) || [];
    var culprit = null;
    fields.forEach(function (f) {
      var m = /^events\[(\d+)\]$/.exec(f.field);
      if (m && culprit === null) culprit = Number(m[1]);
    });
    var event = culprit === null ? null : batch[culprit];
    if (!event) return false;
    var prefix = 'events[' + culprit + ']';
    var reasons = fields.filter(function (f) { return f.field.indexOf(prefix + '.') === 0; }).map(function (f) { return f.message; });
    if (!reasons.length) {
      reasons = fields.filter(function (f) { return f.field === prefix; })
        .map(function (f) { return f.message.replace(/^(note|event|task) [0-9a-f-]{36}:? ?/i, ''); });
    }
    state.events = state.events.filter(function (e) { return e.id !== event.id; });
    state.pending = state.pending.filter(function (id) { return id !== event.id; });
    save();
    var what = describe(event, replay().tasks);
    var message = 'Not saved: "' + what + '" (' + time(event.at) + ') ' + reasons.join('; ') + '.';
    if (event.type === 'note') {
      // Back in the box, so the observer can take the identifier out and add it again.
      $('note-text').value = event.text;
      message += ' The note is back in the note box to correct.';
    }
    var li = document.createElement('li');
    li.textContent = message;
    $('refused-list').append(li);
    $('refused').hidden = false;
    $('refused').focus();
    render();
    return true;
  }

  $('task-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var values = {}, missing = [];
    dimensions.forEach(function (d) {
      var chosen = document.querySelector('input[name="dim-' + d.code + '"]:checked');
      if (chosen) values[d.code] = chosen.value; else missing.push(d.label);
    });
    var error = $('task-error');
    error.hidden = missing.length === 0;
    error.textContent = missing.length ? 'Error: choose ' + missing.join(', ') + ' before starting the task' : '';
    if (missing.length === 0) record({ type: 'task_started', values: values });
  });

  $('interruption-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var chosen = document.querySelector('input[name="source"]:checked');
    record({ type: 'interruption', source: chosen ? chosen.value : 'other' });
  });

  $('note-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var box = $('note-text'), error = $('note-error'), text = box.value.trim();
    error.hidden = text.length > 0;
    error.textContent = text ? '' : 'Error: write the note first';
    if (!text) return box.focus();
    record({ type: 'note', text: text });
    box.value = '';
  });

  $('pause').addEventListener('click', function () {
    record({ type: replay().paused ? 'resumed' : 'paused' });
  });

  $('end-session').addEventListener('click', function () {
    record({ type: 'session_ended' });
    $('ended-note').focus();
  });

  window.addEventListener('online', function () { problem = null; send(); });
  window.addEventListener('offline', status);
  window.setInterval(send, RETRY_MS);
  $('ended-note').tabIndex = -1;
  render();
  send();
})();
