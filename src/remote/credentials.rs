//! Credentials for http(s) remotes, asked for only when the server wants
//! them, in this order: the user and password written in the URL, a token
//! in `CONFDIFF_TOKEN`, then git's own mechanisms (credential helpers,
//! `GIT_ASKPASS`, the terminal prompt). ssh remotes authenticate through
//! ssh itself (agent, keys), so nothing here applies to them.
//!
//! Secrets live only in memory, inside the callback handed to the
//! connection: never in the URL gix connects to, so never in its messages.

use std::sync::{Arc, Mutex};

use gix::credentials::helper::{Action, NextAction};
use gix::credentials::protocol::Outcome;
use gix::remote::AuthenticateFn;
use gix::sec::identity::Account;

use super::url::RemoteUrl;

/// The environment variable holding an access token for https remotes.
pub const TOKEN_VAR: &str = "CONFDIFF_TOKEN";

/// The user name sent with a token when the URL names none. GitHub and
/// Gitea accept any name with a token; GitLab wants `oauth2` for OAuth
/// tokens and Bitbucket `x-token-auth`: write those into the URL
/// (`https://oauth2@gitlab.example.com/…`).
const TOKEN_USER: &str = "x-access-token";

/// Where the credentials for one remote come from.
#[derive(Clone)]
pub struct CredentialSource {
    own: Option<Account>,
    /// What git's mechanisms answered on this run's first connection, so
    /// that a second one (a fetch that needs a pack) does not prompt again.
    /// Shared by the clones of this source; never written anywhere.
    answered: Arc<Mutex<Option<Account>>>,
}

impl CredentialSource {
    /// The credentials of `url`, with the token from `token` (the value of
    /// [`TOKEN_VAR`], if set).
    pub fn new(url: &RemoteUrl, token: Option<String>) -> Self {
        let from_url = url.credentials();
        let own = match (from_url, token.filter(|t| !t.is_empty())) {
            (Some(creds), _) if creds.password.is_some() => Some(Account {
                username: creds.username.clone(),
                password: creds.password.clone().unwrap_or_default(),
                oauth_refresh_token: None,
            }),
            (user, Some(token)) => Some(Account {
                username: user.map_or_else(|| TOKEN_USER.to_owned(), |c| c.username.clone()),
                password: token,
                oauth_refresh_token: None,
            }),
            _ => None,
        };
        CredentialSource {
            own,
            answered: Arc::default(),
        }
    }

    /// The secrets to scrub from any message, should a library echo one.
    pub fn secrets(&self) -> Vec<String> {
        let answered = self.answered.lock().map(|a| a.clone()).unwrap_or_default();
        self.own
            .iter()
            .chain(answered.as_ref())
            .map(|a| a.password.clone())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The account this run offers the server: our own, or what git's
    /// mechanisms answered on an earlier connection.
    pub fn account(&self) -> Option<Account> {
        self.own
            .clone()
            .or_else(|| self.answered.lock().ok().and_then(|a| a.clone()))
    }

    /// The callback for a connection: our own credentials when we have
    /// some, else what git's configured mechanisms (`fallback`) answered
    /// earlier in this run, else those mechanisms.
    pub fn authenticator(&self, mut fallback: AuthenticateFn<'static>) -> AuthenticateFn<'static> {
        let own = self.own.clone();
        let answered = Arc::clone(&self.answered);
        Box::new(move |action: Action| match (&own, action) {
            (Some(account), Action::Get(context)) => Ok(Some(Outcome {
                identity: account.clone(),
                next: NextAction::from(context),
            })),
            // Our own credentials are not git's to store or erase.
            (Some(_), Action::Store(_) | Action::Erase(_)) => Ok(None),
            (None, Action::Get(context)) => {
                let earlier = answered.lock().ok().and_then(|a| a.clone());
                if let Some(account) = earlier {
                    return Ok(Some(Outcome {
                        identity: account,
                        next: NextAction::from(context),
                    }));
                }
                let outcome = fallback(Action::Get(context))?;
                if let (Some(outcome), Ok(mut answered)) = (&outcome, answered.lock()) {
                    *answered = Some(outcome.identity.clone());
                }
                Ok(outcome)
            }
            (None, action) => {
                // Rejected credentials are not offered again.
                if matches!(action, Action::Erase(_))
                    && let Ok(mut answered) = answered.lock()
                {
                    *answered = None;
                }
                fallback(action)
            }
        })
    }
}

/// Replaces each secret in `message` by `***`.
pub fn scrub_secrets(message: String, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(message, |message, secret| {
            message.replace(secret.as_str(), "***")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> RemoteUrl {
        RemoteUrl::parse(text).unwrap()
    }

    fn get(source: &CredentialSource) -> Option<Account> {
        let fallback: AuthenticateFn<'static> = Box::new(|_| Ok(None));
        let mut authenticate = source.authenticator(fallback);
        authenticate(Action::get_for_url("https://example.com/x.git"))
            .unwrap()
            .map(|outcome| outcome.identity)
    }

    #[test]
    fn url_credentials_come_first() {
        let source = CredentialSource::new(
            &url("https://alice:pw@example.com/x.git"),
            Some("tok".into()),
        );
        let account = get(&source).unwrap();
        assert_eq!(
            (account.username.as_str(), account.password.as_str()),
            ("alice", "pw")
        );
    }

    #[test]
    fn a_token_goes_with_the_url_user_or_a_default_one() {
        let named =
            CredentialSource::new(&url("https://oauth2@example.com/x.git"), Some("tok".into()));
        let account = get(&named).unwrap();
        assert_eq!(
            (account.username.as_str(), account.password.as_str()),
            ("oauth2", "tok")
        );
        let anonymous =
            CredentialSource::new(&url("https://example.com/x.git"), Some("tok".into()));
        assert_eq!(get(&anonymous).unwrap().username, TOKEN_USER);
    }

    #[test]
    fn without_credentials_git_decides() {
        let source = CredentialSource::new(&url("https://example.com/x.git"), Some(String::new()));
        assert_eq!(get(&source), None);
        assert!(source.secrets().is_empty());
    }

    #[test]
    fn what_git_answered_once_is_offered_to_the_next_connection_without_asking_again() {
        let source = CredentialSource::new(&url("https://example.com/x.git"), None);
        let asked = Arc::new(Mutex::new(0));
        let fallback = |asked: Arc<Mutex<i32>>| -> AuthenticateFn<'static> {
            Box::new(move |action| match action {
                Action::Get(context) => {
                    *asked.lock().unwrap() += 1;
                    Ok(Some(Outcome {
                        identity: Account {
                            username: "bob".into(),
                            password: "typed-once".into(),
                            oauth_refresh_token: None,
                        },
                        next: NextAction::from(context),
                    }))
                }
                _ => Ok(None),
            })
        };
        for _ in 0..2 {
            let mut authenticate = source.authenticator(fallback(Arc::clone(&asked)));
            let outcome = authenticate(Action::get_for_url("https://example.com/x.git"))
                .unwrap()
                .unwrap();
            assert_eq!(outcome.identity.password, "typed-once");
        }
        assert_eq!(*asked.lock().unwrap(), 1, "asked once for two connections");
        assert_eq!(source.secrets(), ["typed-once"]);
    }

    #[test]
    fn secrets_are_scrubbed() {
        let source = CredentialSource::new(&url("https://alice:pw1234@example.com/x.git"), None);
        assert_eq!(
            scrub_secrets("denied for pw1234".into(), &source.secrets()),
            "denied for ***"
        );
    }
}
