; CMD Executor's additions to electron-builder's NSIS installer (per-machine). What it adds, its
; uninstaller removes: the start at login for every user and the firewall rule for the coordinator;
; it also removes the job account a worker running as a service made (cmdx-job).
; The worker starts at login, not as a service: it needs the logged-in student's session to see the
; keyboard and mouse (GetLastInputInfo, the lab's idle policy) and to show its tray icon; a service
; runs in session 0, which has neither. Data in each user's profile (settings, a coordinator's
; database) is the teacher's, not the installer's, and stays.

!define CMDX_RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define CMDX_RUN_VALUE "CMD Executor"
!define CMDX_FIREWALL_RULE "CMD Executor coordinator"
!define CMDX_COORDINATOR_PORT "3000"
!define CMDX_JOB_ACCOUNT "cmdx-job"
!define CMDX_HIDDEN_ACCOUNTS "SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\SpecialAccounts\UserList"

!macro customInstall
  ; Every user's login starts the app in the tray, in the mode that user's PC was set up for.
  WriteRegStr HKLM "${CMDX_RUN_KEY}" "${CMDX_RUN_VALUE}" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --hidden'
  ; Workers reach the coordinator on its port (TCP, inbound, this program only); removed first so a reinstall does not stack rules.
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${CMDX_FIREWALL_RULE}"'
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="${CMDX_FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${CMDX_COORDINATOR_PORT} program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes profile=domain,private'
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "${CMDX_RUN_KEY}" "${CMDX_RUN_VALUE}"
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${CMDX_FIREWALL_RULE}"'
  ; What a service worker made for its jobs (docs/windows.md): the job account and its place off the login screen.
  nsExec::ExecToLog 'net user ${CMDX_JOB_ACCOUNT} /delete'
  DeleteRegValue HKLM "${CMDX_HIDDEN_ACCOUNTS}" "${CMDX_JOB_ACCOUNT}"
!macroend
