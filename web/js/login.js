// Sign-in page: the form posts the token to /console/login; mestatd answers
// with a session cookie and a redirect, or back here with ?error=….
const p = new URLSearchParams(location.search);
const box = document.getElementById('message');
const say = (zh, en) => {
	const d = document.createElement('div');
	d.className = 'error';
	d.setAttribute('role', 'alert');
	d.textContent = `${zh} ${en}`;
	box.replaceChildren(d);
};
if (p.has('error')) say('令牌无效或已撤销。', 'The token is not valid or was revoked.');
else if (p.has('expired')) say('会话已过期，请重新登录。', 'The session expired; please sign in again.');
else if (p.has('signed_out')) {
	box.textContent = '已退出。 Signed out.';
	box.className = 'muted';
}
