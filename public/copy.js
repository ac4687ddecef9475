// Dashboard progressive enhancement: a "Copy" button beside each read-only URL field. Without
// JavaScript the field is still there to select and copy by hand.
for (const field of document.querySelectorAll('input[data-copy]')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small copy';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', `Copy ${field.value}`);
  field.addEventListener('focus', () => field.select());
  button.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand('copy');
    }
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
  field.after(button);
}
