// The sandbox page: plain JavaScript, no libraries, nothing fetched from elsewhere.
"use strict";

const state = { person: null, chat: null, chatKind: null, map: null, cursor: null };
const $ = (id) => document.getElementById(id);
const SVG = $("map-svg").namespaceURI; // the page's own <svg>, so no namespace is written here
const remembered = window.sessionStorage; // this tab's person and chat, kept over a reload

async function api(path, body) {
  let options = {};
  if (body instanceof FormData) { options = { method: "POST", body }; }
  else if (body !== undefined) {
    options = {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
  }
  const response = await fetch(path, options);
  let data;
  try { data = await response.json(); }
  catch { throw new Error(`The sandbox answered ${response.status}: try again in a moment.`); }
  if (!response.ok) { throw new Error(data.error || "Something went wrong."); }
  return data;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").showModal();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

async function loadChats() {
  if (state.person === null) { return; }
  const chats = await api(`/api/people/${state.person}/chats`);
  const list = $("chats");
  list.replaceChildren();
  for (const chat of chats) {
    const item = element("li");
    const button = element("button", chat.kind === "inbox" ? "inbox" : "", chat.title);
    button.type = "button";
    button.dataset.chatId = chat.chat_id;
    button.setAttribute("aria-current", String(chat.chat_id === state.chat));
    if (chat.unread > 0 && chat.chat_id !== state.chat) {
      const badge = element("span", "unread", String(chat.unread));
      badge.setAttribute("aria-label", `${chat.unread} unread`);
      button.append(badge);
    }
    button.addEventListener("click", () => openChat(chat.chat_id, chat.title, chat.kind));
    item.append(button);
    list.append(item);
  }
  const open = chats.find((chat) => chat.chat_id === state.chat);
  if (open && state.chatKind === null) { openChat(open.chat_id, open.title, open.kind); }
  else if (!open && chats.length > 0) { openChat(chats[0].chat_id, chats[0].title, chats[0].kind); }
}

async function openChat(chatId, title, kind) {
  state.chat = chatId;
  state.chatKind = kind || "private";
  remembered.setItem("chat", String(chatId));
  if (title) { $("chat-title").textContent = title; }
  const inbox = state.chatKind === "inbox";
  $("actions").hidden = inbox;
  $("map-panel").hidden = inbox;
  $("inbox-note").hidden = !inbox;
  await loadMessages();
  await loadChats();
}

function renderMessage(message) {
  const item = element("li", message.sender_id === state.person ? "mine" : "");
  item.dataset.messageId = message.message_id;
  item.append(element("span", "sender", message.sender));
  if (message.html) {
    const body = element("span", "text");
    body.innerHTML = message.html; // built by the server from escaped text and Telegram's tags
    item.append(body);
  }
  if (message.place) {
    const p = message.place;
    const text = `📍 ${p.title}${p.address ? ", " + p.address : ""} (${p.latitude}, ${p.longitude})`;
    item.append(element("span", "place", text));
  }
  if (message.contact) {
    item.append(element("span", "place", `👤 ${message.contact.name} ${message.contact.phone_number}`));
  }
  if (message.photo) {
    const img = element("img", "photo");
    img.src = `/api/files/${encodeURIComponent(message.photo)}`;
    img.alt = "A photo";
    item.append(img);
  }
  if (message.document) {
    const link = element("a", "place", `📄 ${message.document.name}`);
    const name = encodeURIComponent(message.document.name);
    link.href = `/api/files/${encodeURIComponent(message.document.file_id)}?name=${name}`;
    link.download = message.document.name;
    item.append(link);
  }
  if (message.edited) { item.append(element("span", "edited", " (edited)")); }
  if (message.inline_keyboard.length > 0) {
    const keyboard = element("div", "inline-keyboard");
    for (const row of message.inline_keyboard) {
      const line = element("div", "row");
      for (const key of row) {
        if (key.url) {
          const link = element("a", "", key.text);
          link.href = key.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          line.append(link);
          continue;
        }
        const button = element("button", "", key.text);
        button.type = "button";
        button.addEventListener("click", () => press(message.message_id, key.text));
        line.append(button);
      }
      keyboard.append(line);
    }
    item.append(keyboard);
  }
  return item;
}

function renderLetter(letter) {
  const item = element("li", "letter");
  item.dataset.messageId = letter.number;
  const kind = letter.kind === "email" ? "✉️ E-mail" : "🔗 Webhook call";
  item.append(element("span", "sender", `${kind} from ${letter.sender}`));
  item.append(element("strong", "subject", letter.subject));
  item.append(element("pre", "body", letter.body)); // text, never HTML
  return item;
}

async function loadMessages() {
  if (state.person === null || state.chat === null) { return; }
  if (state.chatKind === "inbox") {
    const agency = String(state.chat).replace(/^inbox:/, "");
    const inbox = await api(`/api/people/${state.person}/inbox/${encodeURIComponent(agency)}`);
    const list = $("messages");
    list.replaceChildren(...inbox.letters.map(renderLetter));
    if (inbox.letters.length === 0) {
      list.append(element("li", "letter", "Nothing has been sent to this agency by e-mail or webhook yet."));
    }
    renderReplyKeyboard(null);
    return;
  }
  const chat = await api(`/api/people/${state.person}/chats/${state.chat}/messages`);
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...chat.messages.map(renderMessage));
  if (atBottom) { list.scrollTop = list.scrollHeight; }
  renderReplyKeyboard(chat.reply_keyboard);
}

function renderReplyKeyboard(rows) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  for (const row of rows || []) {
    const line = element("div", "row");
    for (const key of row) {
      const button = element("button", "", key.text);
      button.type = "button";
      button.addEventListener("click", () => {
        if (key.request_location) { openMap(); toast("Click the map, or pick a place below."); }
        else if (key.request_contact) { send({ contact: true }); }
        else { send({ text: key.text }); }
      });
      line.append(button);
    }
    box.append(line);
  }
}

async function send(content) {
  try {
    await api(`/api/people/${state.person}/send`, { chat_id: state.chat, ...content });
    await loadMessages();
  } catch (error) { toast(error.message); }
}

async function sendFile() {
  const chosen = $("file").files[0];
  if (!chosen) { toast("Choose a file to send first."); return; }
  if (chosen.size >= 20 * 1024 * 1024) {
    alertBox("That file is too big: a bot can read files under 20 MB, as in Telegram. " +
      "Choose a smaller one.");
    return;
  }
  const form = new FormData();
  form.append("chat_id", String(state.chat));
  form.append("as", $("send-as").value);
  form.append("file", chosen, chosen.name);
  try {
    await api(`/api/people/${state.person}/upload`, form);
    $("send-file").reset();
    await loadMessages();
  } catch (error) { alertBox(error.message); }
}

// -- the map: the district drawn from /api/map; a click (or Enter on the cross) shares a point

function svgElement(tag, attributes, title) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) { node.setAttribute(name, value); }
  if (title) {
    const label = document.createElementNS(SVG, "title");
    label.textContent = title;
    node.append(label);
  }
  return node;
}

function toLatLon(x, y) {
  const p = state.map.projection;
  const round = (value) => Math.round(value * 100000) / 100000;
  return { latitude: round(p.north - y / p.y_per_degree), longitude: round(p.west + x / p.x_per_degree) };
}

function nearestPlace(x, y) {
  let best = null;
  for (const place of state.map.places) {
    const distance = Math.hypot(place.x - x, place.y - y);
    if (best === null || distance < best.distance) { best = { name: place.name, distance }; }
  }
  return best ? best.name : "";
}

function moveCursor(x, y) {
  const map = state.map;
  state.cursor = { x: Math.min(Math.max(x, 0), map.width), y: Math.min(Math.max(y, 0), map.height) };
  $("map-cross").setAttribute("transform", `translate(${state.cursor.x} ${state.cursor.y})`);
  const point = toLatLon(state.cursor.x, state.cursor.y);
  const near = nearestPlace(state.cursor.x, state.cursor.y);
  $("map-cursor").textContent =
    `The cross is at ${point.latitude}, ${point.longitude}${near ? `, near ${near}` : ""}.`;
}

function sharePoint(x, y) {
  moveCursor(x, y);
  send({ location: toLatLon(state.cursor.x, state.cursor.y) });
}

async function loadMap() {
  const map = await api("/api/map");
  state.map = map;
  const svg = $("map-svg");
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${map.width} ${map.height}`);
  svg.setAttribute("aria-label", `Map of the district, drawn from its ${
    map.drawn_from === "boundaries" ? "boundary and wards" : "places and postcodes"}`);
  if (map.district) { svg.append(svgElement("path", { d: map.district, class: "district" })); }
  for (const ward of map.wards) {
    svg.append(svgElement("path", { d: ward.path, class: "ward" }, ward.name));
  }
  if (map.postcodes) { svg.append(svgElement("path", { d: map.postcodes, class: "postcodes" })); }
  for (const place of map.places) {
    const dot = svgElement("circle", {
      cx: place.x, cy: place.y, r: place.labelled ? 9 : 5,
      class: place.in_district ? "place" : "place outside",
    }, place.name);
    svg.append(dot);
    if (place.labelled) {
      const label = svgElement("text", { x: place.x + 14, y: place.y + 11, class: "label" });
      label.textContent = place.name;
      svg.append(label);
    }
  }
  const cross = svgElement("g", { id: "map-cross" });
  cross.append(svgElement("path", { d: "M-14 0H14M0 -14V14", class: "cross" }));
  svg.append(cross);
  svg.addEventListener("click", (event) => {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const inMap = point.matrixTransform(svg.getScreenCTM().inverse());
    sharePoint(inMap.x, inMap.y);
  });
  svg.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 50 : 10;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      event.preventDefault();
      moveCursor(state.cursor.x + moves[event.key][0], state.cursor.y + moves[event.key][1]);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      sharePoint(state.cursor.x, state.cursor.y);
    }
  });
  $("map-attribution").textContent = map.attribution;
  const first = map.places.find((place) => place.labelled) || { x: map.width / 2, y: map.height / 2 };
  moveCursor(first.x, first.y);
}

function openMap() {
  $("map-box").open = true;
  const svg = $("map-svg");
  if (svg) { svg.focus(); svg.scrollIntoView({ block: "nearest" }); }
}

async function press(messageId, text) {
  try {
    const result = await api(`/api/people/${state.person}/press`,
      { chat_id: state.chat, message_id: messageId, text });
    if (result.answer === null) { toast(result.note); }
    else if (result.answer.show_alert) { alertBox(result.answer.text); }
    else if (result.answer.text) { toast(result.answer.text); }
  } catch (error) { toast(error.message); }
}

async function loadPlaces() {
  const places = await api("/api/places");
  const select = $("place");
  for (const place of places) {
    const option = element("option", "", place.in_district ? place.name : `${place.name} (outside)`);
    option.value = place.name;
    select.append(option);
  }
}

function showStatus(status) {
  const line = $("bot-status");
  const words = {
    starting: "The bot is starting…", running: "The bot is running.",
    restarting: "The bot stopped and is restarting…", stopped: "The bot has stopped.",
  };
  line.textContent = words[status] || status;
  line.className = status === "running" ? "" : "restarting";
}

let refresh = null;
const changedChats = new Set(); // every chat changed in a burst, not only the burst's last
function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.kind === "status") { showStatus(event.status); return; }
    if (event.kind === "reset") { reloadChats(); return; }
    if (event.kind === "inbox") {
      if (state.chatKind === "inbox") { loadMessages(); }
      loadChats();
      return;
    }
    changedChats.add(event.chat_id);
    clearTimeout(refresh);
    refresh = setTimeout(async () => {
      const openChanged = changedChats.has(state.chat);
      changedChats.clear();
      if (openChanged) { await loadMessages(); }
      await loadChats();
    }, 100);
  };
  events.onerror = () => showStatus("The page lost the sandbox; reconnecting…");
}

$("person").addEventListener("change", (event) => {
  state.person = Number(event.target.value);
  remembered.setItem("person", String(state.person));
  remembered.removeItem("chat");
  state.chat = null;
  state.chatKind = null;
  $("messages").replaceChildren();
  loadChats();
});
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value;
  input.value = "";
  send({ text });
});
$("share-place").addEventListener("submit", (event) => {
  event.preventDefault();
  send({ place: $("place").value });
});
$("share-contact").addEventListener("click", () => send({ contact: true }));
$("file").addEventListener("change", () => {
  const chosen = $("file").files[0];
  if (chosen) { $("send-as").value = chosen.type.startsWith("image/") ? "photo" : "document"; }
});
$("send-file").addEventListener("submit", (event) => {
  event.preventDefault();
  sendFile();
});

function reloadChats() {
  state.chat = null;
  state.chatKind = null;
  $("messages").replaceChildren();
  loadChats();
}
$("reset").addEventListener("click", async () => {
  const question = "Reset the sandbox? Every chat, report and caught e-mail is deleted, " +
    "and the bot starts again.";
  if (!window.confirm(question)) { return; }
  try {
    await api("/api/reset", {});
    reloadChats();
    toast("The sandbox was reset.");
  } catch (error) {
    alertBox(error.message);
  }
});

// A reload (or a second tab's choice in this tab) comes back to the same person and chat.
const rememberedPerson = remembered.getItem("person");
if (rememberedPerson && [...$("person").options].some((o) => o.value === rememberedPerson)) {
  $("person").value = rememberedPerson;
}
state.person = Number($("person").value);
const rememberedChat = remembered.getItem("chat");
if (rememberedChat) {
  state.chat = /^-?\d+$/.test(rememberedChat) ? Number(rememberedChat) : rememberedChat;
}
loadPlaces();
loadMap();
loadChats();
listen();
