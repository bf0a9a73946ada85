// The sandbox page: plain JavaScript, no libraries, nothing fetched from elsewhere.
"use strict";

const state = { person: null, chat: null, keyboardChat: null };
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json();
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
    const button = element("button", "", chat.title);
    button.type = "button";
    button.dataset.chatId = chat.chat_id;
    button.setAttribute("aria-current", String(chat.chat_id === state.chat));
    if (chat.unread > 0 && chat.chat_id !== state.chat) {
      const badge = element("span", "unread", String(chat.unread));
      badge.setAttribute("aria-label", `${chat.unread} unread`);
      button.append(badge);
    }
    button.addEventListener("click", () => openChat(chat.chat_id, chat.title));
    item.append(button);
    list.append(item);
  }
  if (state.chat === null && chats.length > 0) { openChat(chats[0].chat_id, chats[0].title); }
}

async function openChat(chatId, title) {
  state.chat = chatId;
  if (title) { $("chat-title").textContent = title; }
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
  if (message.document) { item.append(element("span", "place", `📄 ${message.document}`)); }
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

async function loadMessages() {
  if (state.person === null || state.chat === null) { return; }
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
        if (key.request_location) { $("place").focus(); toast("Pick a place below and send it."); }
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
  state.chat = null;
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

function reloadChats() {
  state.chat = null;
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

state.person = Number($("person").value);
loadPlaces();
loadChats();
listen();
