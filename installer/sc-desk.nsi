; NSIS script of the Windows installer of the operator desktop: packs the one-folder bundle
; (dist\sc-desk, built on Windows by installer\build.ps1 with installer\sc-desk.spec) into
; situation-center-desk-<version>-setup.exe. makensis runs on Windows and on Linux:
;   makensis -DVERSION=0.1.0 -DBUNDLE=..\dist\sc-desk -DOUTFILE=..\dist\situation-center-desk-0.1.0-setup.exe installer\sc-desk.nsi
; Per-machine install under Program Files, Start-menu and desktop shortcuts, an uninstaller in
; "Apps & features"; the operators' settings and logs (in their profiles) are left on uninstall.
Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\sc-desk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\situation-center-desk-${VERSION}-setup.exe"
!endif
!define APPNAME "Situation Center"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SituationCenterDesk"

!include "MUI2.nsh"
!include "x64.nsh"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\SituationCenter"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
BrandingText "Smart Kurchatov"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=1033 "CompanyName" "Smart Kurchatov"
VIAddVersionKey /LANG=1033 "FileDescription" "Situation Center operator desktop installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Smart Kurchatov"

!define MUI_ICON "..\resources\icons\situation-center.ico"
!define MUI_UNICON "..\resources\icons\situation-center.ico"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\sc-desk.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Situation Center needs 64-bit Windows 10 or later."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Section "Situation Center" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An older version's files go first: a bundle's DLL set changes between versions.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*"
  File "..\resources\icons\situation-center.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\sc-desk.exe" "" "$INSTDIR\situation-center.ico"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\sc-desk.exe" "" "$INSTDIR\situation-center.ico"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "Smart Kurchatov"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\situation-center.ico"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetRegView 64
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APPNAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\sc-desk.exe"
  Delete "$INSTDIR\situation-center.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTKEY}"
SectionEnd
