/* The "Turn on browser notifications" button on the preferences page.
   Registers the service worker, subscribes with the site's VAPID key and
   posts the subscription to the portal. No inline script (strict CSP). */
(function () {
  "use strict";
  const form = document.getElementById("push-form");
  const button = document.getElementById("push-subscribe");
  const status = document.getElementById("push-status");
  if (!form || !button) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    status.textContent = form.dataset.unsupported || "This browser cannot show notifications.";
    return;
  }
  button.hidden = false;

  function keyToBytes(base64) {
    const padded = (base64 + "=".repeat((4 - (base64.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        status.textContent = "Notifications were not allowed in this browser.";
        return;
      }
      const registration = await navigator.serviceWorker.register(form.dataset.worker);
      await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyToBytes(form.dataset.vapidKey),
      });
      const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(subscription.toJSON()),
        credentials: "same-origin",
      });
      const result = await response.json();
      status.textContent = response.ok ? "Browser notifications are on." : result.error;
      if (response.ok) window.location.reload();
    } catch (error) {
      status.textContent = "Could not turn on notifications: " + error.message;
    } finally {
      button.disabled = false;
    }
  });
})();
