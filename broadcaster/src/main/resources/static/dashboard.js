// Fleet Events dashboard: a STOMP subscriber of /topic/events with resume, plus a utilisation chart.
// State survives connection drops: on reconnect it resubscribes with the last resume token it saw,
// so the feed continues exactly where it stopped (no gap, no duplicate).
(function () {
  'use strict';

  const TYPES = ['AGENT_FAILURE', 'TASK_COMPLETION', 'TASK_FAILURE', 'CAPACITY_WARNING', 'AGENT_CONNECTED', 'AGENT_DISCONNECTED'];
  const MAX_ROWS = 500;
  const INITIAL_HISTORY_MS = 60 * 60 * 1000;
  const TOKEN_KEY = 'fleet-events.token';

  const state = {
    token: null,
    resumeToken: null,
    subscription: null,
    filter: { types: [], agent: '', severity: 'INFO' },
    counts: Object.fromEntries(TYPES.map(t => [t, 0])),
    seen: new Set(),
    received: 0,
    duplicates: 0,
    replayed: 0,
    reconnectedAt: null,
    connections: 0,
  };
  window.fleetDashboard = state; // read by the browser test and handy in the console

  const $ = id => document.getElementById(id);

  // ---- token -------------------------------------------------------------------------------------
  function readToken() {
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('token')) {
      localStorage.setItem(TOKEN_KEY, hash.get('token'));
      history.replaceState(null, '', location.pathname + location.search); // keep the secret out of the URL bar
    }
    return localStorage.getItem(TOKEN_KEY);
  }

  function askForToken(message) {
    $('token-form').hidden = false;
    $('forget-token').hidden = true;
    setStatus(message || 'token needed', 'error');
  }

  $('token-form').addEventListener('submit', e => {
    e.preventDefault();
    localStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
    $('token-form').hidden = true;
    start();
  });
  $('forget-token').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    if (client) client.deactivate();
    askForToken('token forgotten');
  });

  // ---- filters -----------------------------------------------------------------------------------
  for (const type of TYPES) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" value="${type}"> ${type}`;
    $('types').appendChild(label);
    const counter = document.createElement('span');
    counter.className = 'counter';
    counter.id = 'count-' + type;
    counter.innerHTML = `<b>0</b>${type}`;
    $('counters').appendChild(counter);
  }

  $('apply-filter').addEventListener('click', () => {
    state.filter = {
      types: [...document.querySelectorAll('#types input:checked')].map(i => i.value),
      agent: $('agent-pattern').value.trim(),
      severity: $('severity-min').value,
    };
    $('filter-error').textContent = '';
    clearFeed();
    state.resumeToken = null;
    subscribe({ 'replay-from': new Date(Date.now() - INITIAL_HISTORY_MS).toISOString() });
  });

  function filterHeaders() {
    const headers = { 'severity-min': state.filter.severity };
    if (state.filter.types.length) headers['event-types'] = state.filter.types.join(',');
    if (state.filter.agent) headers['agent-ids'] = state.filter.agent;
    return headers;
  }

  // ---- feed --------------------------------------------------------------------------------------
  function clearFeed() {
    $('feed').tBodies[0].innerHTML = '';
    state.seen.clear();
    state.received = 0;
    for (const t of TYPES) state.counts[t] = 0;
    renderCounts();
  }

  function renderCounts() {
    for (const t of TYPES) $('count-' + t).querySelector('b').textContent = state.counts[t];
    $('feed-count').textContent = `${state.received} received`;
    $('replayed').textContent = `replayed: ${state.replayed}`;
  }

  function addEvent(event) {
    if (state.seen.has(event.event_id)) {
      state.duplicates++;
      return;
    }
    state.seen.add(event.event_id);
    state.received++;
    state.counts[event.event_type] = (state.counts[event.event_type] || 0) + 1;
    if (state.reconnectedAt && Date.parse(event.observed_at || event.timestamp) < state.reconnectedAt) {
      state.replayed++;
    }
    const row = document.createElement('tr');
    row.className = 'sev-' + event.severity;
    row.dataset.eventId = event.event_id;
    row.dataset.eventType = event.event_type;
    const agent = event.agent ? (event.agent.path || event.agent.key) : (event.metadata && event.metadata.scope) || '';
    row.innerHTML = '<td class="time"></td><td class="sev"></td><td class="type"></td><td class="agent"></td><td class="msg"></td>';
    row.cells[0].textContent = new Date(event.timestamp).toLocaleTimeString();
    row.cells[0].title = event.timestamp;
    row.cells[1].textContent = event.severity;
    row.cells[2].textContent = event.event_type;
    row.cells[3].textContent = agent;
    row.cells[4].textContent = event.message;
    const body = $('feed').tBodies[0];
    body.insertBefore(row, body.firstChild); // newest first
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  }

  // ---- STOMP -------------------------------------------------------------------------------------
  let client = null;

  function setStatus(text, kind) {
    const el = $('connection');
    el.textContent = text;
    el.className = 'status ' + kind;
  }

  function subscribe(replayHeaders) {
    if (!client || !client.connected) return;
    if (state.subscription) state.subscription.unsubscribe();
    state.subscription = client.subscribe('/topic/events', message => {
      state.resumeToken = message.headers['resume-token'] || state.resumeToken;
      addEvent(JSON.parse(message.body));
      renderCounts();
    }, Object.assign(filterHeaders(), replayHeaders));
  }

  function start() {
    state.token = readToken();
    if (!state.token) {
      askForToken();
      return;
    }
    $('forget-token').hidden = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    client = new StompJs.Client({
      brokerURL: `${scheme}://${location.host}/api/events/subscribe`,
      connectHeaders: { passcode: state.token },
      reconnectDelay: 1000,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
    });
    client.onConnect = () => {
      state.connections++;
      setStatus('live', 'online');
      if (state.resumeToken) {
        state.reconnectedAt = Date.now();
        subscribe({ 'resume-token': state.resumeToken });
      } else {
        subscribe({ 'replay-from': new Date(Date.now() - INITIAL_HISTORY_MS).toISOString() });
      }
      loadCapacity();
      loadAgents();
    };
    client.onWebSocketClose = () => setStatus('reconnecting…', 'offline');
    client.onStompError = frame => {
      const message = frame.headers.message || 'error';
      if (/token|auth/i.test(message) && !state.subscription) {
        localStorage.removeItem(TOKEN_KEY);
        client.deactivate();
        askForToken(message);
        return;
      }
      $('filter-error').textContent = message;
      setStatus('error: ' + message, 'error');
    };
    client.activate();
  }

  // ---- capacity chart ----------------------------------------------------------------------------
  let chart = null;

  async function loadCapacity() {
    try {
      const response = await fetch('api/capacity?scope=fleet', { headers: { Authorization: 'Bearer ' + state.token } });
      if (!response.ok) return;
      const body = await response.json();
      const xs = body.samples.map(s => Date.parse(s.observed_at) / 1000);
      const ys = body.samples.map(s => s.utilisation * 100);
      const threshold = xs.map(() => body.warning_threshold * 100);
      const last = body.samples[body.samples.length - 1];
      $('capacity-now').textContent = last
        ? `${Math.round(last.utilisation * 100)}% (${last.working_agents}/${last.connected_agents} connected agents working)` : '';
      const data = [xs, ys, threshold];
      if (!chart) {
        chart = new uPlot({
          width: Math.max(320, $('chart').clientWidth || 800),
          height: 200,
          scales: { y: { range: [0, 100] } },
          series: [
            {},
            { label: 'utilisation %', stroke: '#2f6fde', width: 2 },
            { label: `warning threshold ${Math.round(body.warning_threshold * 100)}%`, stroke: '#d98a00', dash: [6, 4] },
          ],
        }, data, $('chart'));
      } else {
        chart.setData(data);
      }
    } catch (e) {
      console.warn('capacity', e);
    }
  }

  // ---- agents table (fleet.agents, the same state as the MCP tools) ----------------------------------
  async function loadAgents() {
    try {
      const response = await fetch('api/agents', { headers: { Authorization: 'Bearer ' + state.token } });
      if (!response.ok) return;
      const body = await response.json();
      const rows = body.agents.map(a => {
        const tr = document.createElement('tr');
        const task = a.task ? a.task.state + (a.task.message ? ': ' + a.task.message : '') : '';
        const last = a.last_event ? a.last_event.event_type + ' ' + new Date(a.last_event.timestamp).toLocaleTimeString() : '';
        const build = a.workspace ? [a.workspace.transition, a.workspace.build_status].filter(Boolean).join(' ') : '';
        for (const text of [a.agent.path || a.agent.key, a.status || '', a.lifecycle_state || '', build, task, last]) {
          const td = document.createElement('td');
          td.textContent = text;
          tr.appendChild(td);
        }
        tr.className = 'agent-' + (a.status || 'none');
        return tr;
      });
      $('agents').querySelector('tbody').replaceChildren(...rows);
      $('agents-count').textContent = `(${body.agents.length}${body.ready ? '' : ', loading…'})`;
    } catch (e) {
      console.warn('agents', e);
    }
  }

  setInterval(() => { if (client && client.connected) { loadCapacity(); loadAgents(); } }, 5000);
  start();
})();
